package io.backupkit.transport.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free port of 127.0.0.1 that forwards every connection to {@code 127.0.0.1:target}
 * and can break the line on demand: cut all connections now or after a number of client-to-server
 * bytes (with a TCP reset, as a dropped link or a killed peer looks to the client), or stall (stop
 * forwarding both ways while keeping the sockets open, as a dead link without a reset looks).
 *
 * <p>Two daemon threads per connection, at most {@value #MAX_CONNECTIONS} connections at a time
 * (more are refused), 16 KiB buffers. The controls act on the live connections and may be called from
 * any thread; {@link #close()} closes everything.
 */
final class FaultProxy implements AutoCloseable {
    static final int MAX_CONNECTIONS = 32;
    private static final int BUFFER = 16 * 1024;

    private final int targetPort;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicLong acceptedConnections = new AtomicLong();
    private boolean stalled; // guarded by gate
    private long cutBudget = -1; // guarded by gate; client->server bytes left before the cut, -1: not armed
    private volatile boolean closed;

    private FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy onto {@code 127.0.0.1:targetPort}, accepting connections right away. */
    static FaultProxy to(int targetPort) throws IOException {
        if (targetPort <= 0 || targetPort > 65535) {
            throw new IllegalArgumentException("Not a port: " + targetPort);
        }
        return new FaultProxy(targetPort);
    }

    /** The port clients connect to (on 127.0.0.1). */
    int port() {
        return listener.getLocalPort();
    }

    int targetPort() {
        return targetPort;
    }

    /** Client-to-server bytes forwarded so far, over all connections. */
    long upstreamBytes() {
        return upstreamBytes.get();
    }

    /** Connections accepted so far (including refused ones). */
    long acceptedConnections() {
        return acceptedConnections.get();
    }

    /** Connections currently open. */
    int openConnections() {
        return links.size();
    }

    /**
     * Forwards {@code bytesUpstream} more client-to-server bytes (counted over all connections from
     * this call on), then resets every open connection. One-shot: connections made after the cut
     * work normally again.
     */
    void cutAfter(long bytesUpstream) {
        if (bytesUpstream < 0) {
            throw new IllegalArgumentException("bytesUpstream must not be negative: " + bytesUpstream);
        }
        synchronized (gate) {
            cutBudget = bytesUpstream;
        }
    }

    /** Resets every open connection now (new connections are still accepted). */
    void cutNow() {
        synchronized (gate) {
            cutBudget = -1;
        }
        for (Link link : links) {
            link.reset();
        }
    }

    /**
     * Stops forwarding in both directions; sockets stay open and connections are still accepted (and
     * connected to the target), so a client sees a silent line until {@link #resume()}.
     */
    void stall() {
        synchronized (gate) {
            stalled = true;
        }
    }

    void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        resume();
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Link link : links) {
            link.reset();
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[127.0.0.1:" + port() + " -> 127.0.0.1:" + targetPort + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            acceptedConnections.incrementAndGet();
            if (links.size() >= MAX_CONNECTIONS) {
                closeQuietly(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                resetQuietly(client);
                closeQuietly(server);
                continue;
            }
            Link link = new Link(client, server);
            links.add(link);
            link.start();
        }
    }

    /** Blocks while stalled; false when the proxy or the link closed meanwhile. */
    private boolean awaitOpenGate(Link link) {
        synchronized (gate) {
            while (stalled && !closed && !link.dead) {
                try {
                    gate.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !closed && !link.dead;
    }

    /**
     * How many of {@code n} upstream bytes may pass; negative (minus the bytes to pass, minus one) when
     * the connections must be cut after passing them. Disarms the cut when it fires.
     */
    private int admitUpstream(int n) {
        synchronized (gate) {
            if (cutBudget < 0) {
                return n;
            }
            int allowed = (int) Math.min(n, cutBudget);
            cutBudget -= allowed;
            if (cutBudget == 0) {
                cutBudget = -1;
                return -allowed - 1;
            }
            return allowed;
        }
    }

    private static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close with RST instead of FIN
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** One proxied connection: a pump thread per direction. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private final Thread up;
        private final Thread down;
        private int endedDirections; // guarded by this
        private volatile boolean dead;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
            String name = "fault-proxy-" + client.getPort() + "-";
            this.up = new Thread(() -> pump(client, server, true), name + "up");
            this.down = new Thread(() -> pump(server, client, false), name + "down");
            up.setDaemon(true);
            down.setDaemon(true);
        }

        void start() {
            up.start();
            down.start();
        }

        void reset() {
            dead = true;
            resetQuietly(client);
            resetQuietly(server);
            links.remove(this);
        }

        /** Both directions ended with a FIN: close normally, so no data in flight is lost. */
        private synchronized void directionEnded() {
            if (++endedDirections == 2) {
                closeQuietly(client);
                closeQuietly(server);
                links.remove(this);
            }
        }

        private void pump(Socket from, Socket to, boolean upstream) {
            byte[] buffer = new byte[BUFFER];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (awaitOpenGate(this)) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        // orderly close: pass the FIN on, keep the other direction running
                        to.shutdownOutput();
                        directionEnded();
                        return;
                    }
                    if (!awaitOpenGate(this)) {
                        break;
                    }
                    int admitted = upstream ? admitUpstream(n) : n;
                    boolean cut = admitted < 0;
                    int pass = cut ? -admitted - 1 : admitted;
                    if (pass > 0) {
                        out.write(buffer, 0, pass);
                        out.flush();
                    }
                    if (upstream) {
                        upstreamBytes.addAndGet(pass);
                    }
                    if (cut) {
                        cutAll();
                        return;
                    }
                }
            } catch (IOException e) {
                // one side went away: drop the other side too
            }
            reset();
        }
    }

    private void cutAll() {
        for (Link link : links) {
            link.reset();
        }
    }
}
