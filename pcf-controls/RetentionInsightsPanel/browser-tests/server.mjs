// Tiny static server for the assembled harness (out/harness at "/") plus the mock API, on 127.0.0.1 only.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { createMockApi } from "./mock-api.mjs";

// Like ASP.NET Core's static files (what `rtn serve --demo` uses): unknown extensions are not served.
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".xml": "application/xml; charset=utf-8", ".png": "image/png", ".txt": "text/plain; charset=utf-8" };

export async function startServer(harnessDir) {
    const api = createMockApi();
    const server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        api.handle(req, res, url)
            .then((handled) => {
                if (handled) return;
                const relative = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
                const file = normalize(join(harnessDir, relative));
                if (!file.startsWith(harnessDir + sep) || !existsSync(file) || !statSync(file).isFile() || !(extname(file) in TYPES)) {
                    res.writeHead(404).end();
                    return;
                }
                res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
                createReadStream(file).pipe(res);
            })
            .catch((error) => {
                res.writeHead(500).end(String(error));
            });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    return { origin: `http://127.0.0.1:${port}`, log: api.log, close: () => new Promise((resolve) => server.close(resolve)) };
}
