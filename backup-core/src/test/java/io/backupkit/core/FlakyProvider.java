package io.backupkit.core;

import io.backupkit.api.Server;
import io.backupkit.spi.Connection;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import io.backupkit.spi.TransportProvider;
import io.backupkit.spi.TransportSettings;
import io.backupkit.testkit.InMemoryTransport;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The in-memory servers of the testkit, whose connection a test can make drop in the middle of an
 * archive: reads of an archive, or writes of one, fail with "connection reset" once {@link #dropAfter}
 * bytes went through.
 */
final class FlakyProvider implements TransportProvider {
    final InMemoryTransport.Provider memory = new InMemoryTransport.Provider();
    private volatile long dropAfter = Long.MAX_VALUE;
    private volatile boolean stall;
    /** Counted down when a read of an archive stalls. */
    final CountDownLatch stalled = new CountDownLatch(1);

    /** From now on, every archive read or written breaks off after {@code bytes}. */
    void dropAfter(long bytes) {
        dropAfter = bytes;
    }

    /**
     * From now on, a read of an archive blocks, as on a server that stopped answering, until its
     * connection is closed.
     */
    void stall() {
        stall = true;
    }

    @Override
    public String name() {
        return "flaky";
    }

    @Override
    public boolean supports(Server server) {
        return memory.supports(server);
    }

    @Override
    public String presentedHostKey(Server server, TransportSettings settings) {
        return memory.presentedHostKey(server, settings);
    }

    @Override
    public Transport open(Connection connection) throws IOException {
        Transport inner = memory.open(connection);
        CountDownLatch closed = new CountDownLatch(1);
        return new Transport() {
            @Override
            public ObjectUpload create(String name, boolean replace) throws IOException {
                ObjectUpload upload = inner.create(name, replace);
                OutputStream breaking = archive(name) ? new Breaking(upload.stream(), dropAfter) : upload.stream();
                return new ObjectUpload() {
                    @Override
                    public OutputStream stream() {
                        return breaking;
                    }

                    @Override
                    public void commit() throws IOException {
                        upload.commit();
                    }

                    @Override
                    public void close() throws IOException {
                        upload.close();
                    }
                };
            }

            @Override
            public InputStream open(String name) throws IOException {
                InputStream in = inner.open(name);
                if (!archive(name)) {
                    return in;
                }
                long limit = dropAfter;
                boolean stalls = stall;
                return new FilterInputStream(in) {
                    private long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (stalls) {
                            stalled.countDown();
                            try {
                                closed.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            throw new IOException("connection closed");
                        }
                        if (read >= limit) {
                            throw new IOException("connection reset");
                        }
                        int n = super.read(b, off, (int) Math.min(len, limit - read));
                        read += Math.max(n, 0);
                        return n;
                    }
                };
            }

            @Override
            public List<StoredObject> list() throws IOException {
                return inner.list();
            }

            @Override
            public boolean delete(String name) throws IOException {
                return inner.delete(name);
            }

            @Override
            public void test() throws IOException {
                inner.test();
            }

            @Override
            public void close() throws IOException {
                closed.countDown(); // a blocked read fails, as on a real connection closed under it
                inner.close();
            }
        };
    }

    private static boolean archive(String name) {
        return name.contains(".tar");
    }

    private static final class Breaking extends FilterOutputStream {
        private final long limit;
        private long written;

        Breaking(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > limit) {
                throw new IOException("connection reset");
            }
            out.write(b, off, len);
            written += len;
        }
    }

    /** A server on the in-memory filer at {@code path}, logging in as {@code backup}. */
    static Server server(String path) {
        return new Server(null, "mem", "In-memory filer", InMemoryTransport.HOST, 22, path, "backup",
                EngineFixture.KEY, null);
    }
}
