import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The README is for a newcomer with this checkout: every link stays in the repository and leads somewhere. */
const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(`${root}README.md`, "utf8");
const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "");

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[`]/g, "").replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
}

describe("README.md", () => {
  it("has links, and none leaves the repository", () => {
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      expect(link, link).not.toMatch(/^[a-z]+:/);
      expect(link, link).not.toMatch(/^\.\.\//);
    }
  });

  it("every file it links to exists, every anchor is a heading", () => {
    const headings = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchor(match[1] ?? "")));
    for (const link of links) {
      const [path, fragment] = link.split("#");
      if (path) expect(existsSync(`${root}${path}`), link).toBe(true);
      if (!path && fragment) expect(headings, link).toContain(fragment);
    }
  });

  it("its sample session is the generated block (scripts/readme-samples.mjs), not text copied by hand", () => {
    const start = readme.indexOf("<!-- readme-samples:start");
    const end = readme.indexOf("<!-- readme-samples:end -->");
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start, end)).toMatch(/\$ racknet rack install production[\s\S]*Plan to create rack production \(stack production\): \d+ to add/);
  });

  it("says how to put racknet on PATH, start moto by hand with what to export, and what to install without moto", () => {
    for (const text of ["npm link", "npx racknet", "node scripts/moto-server.mjs", "export AWS_ENDPOINT_URL=", "AWS_ACCESS_KEY_ID=", 'pip install "moto[server]==5.2.*"']) expect(readme).toContain(text);
  });
});
