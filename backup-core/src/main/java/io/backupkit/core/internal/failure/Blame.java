package io.backupkit.core.internal.failure;

import io.backupkit.api.BackupException;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * Tags the failures of one party's streams and calls with a {@link PartyFailure}, so that an error
 * that crosses a module or a pipe thread still says whose it is. A failure tagged already, and a
 * {@link BackupException} (which says whose it is itself), pass unchanged.
 */
public final class Blame {
    private final Party party;
    private final String who;
    private final String where;

    /**
     * @param who what the party is, for messages ({@code Server 'filer'})
     * @param where its address ({@code user@host:port}, a directory)
     */
    public Blame(Party party, String who, String where) {
        this.party = party;
        this.who = who;
        this.where = where;
    }

    /** The failure, tagged with this party unless it is tagged or a {@link BackupException}. */
    public IOException tag(Throwable e) {
        if (e instanceof PartyFailure tagged) {
            return tagged;
        }
        if (e instanceof BackupException b) {
            throw b;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new PartyFailure(party, who, where, e);
    }

    /** A stream whose failures are this party's. */
    public InputStream input(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return in.read();
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return in.skip(n);
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    in.close();
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }
        };
    }

    /** A stream whose failures are this party's. */
    public OutputStream output(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException | RuntimeException e) {
                    throw tag(e);
                }
            }
        };
    }

    /** One call of the transport. */
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (IOException | RuntimeException e) {
            throw tag(e);
        }
    }

    /** A transport whose every call, stream and upload reports its failures as this party's. */
    public Transport transport(Transport transport) {
        return new Transport() {
            @Override
            public ObjectUpload create(String name, boolean replace) throws IOException {
                ObjectUpload upload = call(() -> transport.create(name, replace));
                OutputStream stream = output(upload.stream());
                return new ObjectUpload() {
                    @Override
                    public OutputStream stream() {
                        return stream;
                    }

                    @Override
                    public void commit() throws IOException {
                        call(() -> {
                            upload.commit();
                            return null;
                        });
                    }

                    @Override
                    public void close() throws IOException {
                        call(() -> {
                            upload.close();
                            return null;
                        });
                    }
                };
            }

            @Override
            public InputStream open(String name) throws IOException {
                return input(call(() -> transport.open(name)));
            }

            @Override
            public List<StoredObject> list() throws IOException {
                return call(transport::list);
            }

            @Override
            public boolean delete(String name) throws IOException {
                return call(() -> transport.delete(name));
            }

            @Override
            public void removeTemporaries(String name) throws IOException {
                call(() -> {
                    transport.removeTemporaries(name);
                    return null;
                });
            }

            @Override
            public void test() throws IOException {
                call(() -> {
                    transport.test();
                    return null;
                });
            }

            @Override
            public OptionalLong freeSpace() throws IOException {
                return call(transport::freeSpace);
            }

            @Override
            public void close() throws IOException {
                call(() -> {
                    transport.close();
                    return null;
                });
            }
        };
    }
}
