// Answers every request with $GREETING; /health for the load balancer's checks.
const http = require("node:http");

const greeting = process.env.GREETING || "hello";
http
  .createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(request.url === "/health" ? "ok\n" : `${greeting} from ${process.env.RACKNET_SERVICE}\n`);
  })
  .listen(3000);
