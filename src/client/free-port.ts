import { AddressInfo, createServer, Server } from "net";

/**
 * Ports the OS considers free on `host`, found by binding to port 0. All probes stay open until
 * every port is known, so the ports are distinct; another process may still take one before the
 * kernel binds it, which is the accepted cost of not holding them.
 */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listen(host)));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => resolve(server));
  });
}
