/**
 * The fields of the manifest model (src/manifest/model.ts) that reach no property of the app
 * template, each with where it goes instead. test/templates/app-contract.test.ts changes every
 * field of a parsed manifest one at a time and fails when a field changes nothing in the
 * template and is not listed here (a key parsed and then dropped), or when a listed field
 * does reach the template (the list lies). Paths: `service.` or `timer.` and the model path,
 * `[]` for any list item.
 */
export const FIELDS_OUTSIDE_THE_TEMPLATE: Readonly<Record<string, string>> = {
  "service.environment[].value": "a default is stored in SSM Parameter Store (resolveEnvironment's `defaults`); the template names the parameter, never the value (only an empty value, which no parameter can hold, is written as empty)",
  "service.build.path": "the build's context: the image it produces is the template's `images` input",
  "service.build.dockerfile": "the build's Dockerfile: the image it produces is the template's `images` input",
  "service.build.args[].name": "a build argument: the image it produces is the template's `images` input",
  "service.build.args[].value": "a build argument: the image it produces is the template's `images` input",
  "service.command.text": "the command as written, for display; `command.argv` is what runs",
  "service.command.shell": "whether the line needs a shell; `command.argv` already starts with sh -c when it does",
  "timer.command.text": "the command as written, for display; `command.argv` is what runs",
  "timer.command.shell": "whether the line needs a shell; `command.argv` already starts with sh -c when it does",
};
