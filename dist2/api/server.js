import { buildApp } from './app.js';
/** Builds the API and listens, over HTTPS when given a certificate; port 0 picks a free port. */
export async function startApi(deps, host, port, https) {
    const app = await buildApp(deps, https);
    await app.listen({ host, port });
    const address = app.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    return { app, url: `${https ? 'https' : 'http'}://${host}:${bound}`, close: () => app.close() };
}
//# sourceMappingURL=server.js.map