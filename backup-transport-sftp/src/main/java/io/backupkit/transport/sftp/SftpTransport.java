package io.backupkit.transport.sftp;

import io.backupkit.spi.Connection;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.FileMode;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.PacketType;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.RemoteResourceInfo;
import net.schmizz.sshj.sftp.RenameFlags;
import net.schmizz.sshj.sftp.Response;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.sftp.SFTPEngine;
import net.schmizz.sshj.sftp.SFTPException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SFTP connection to a backup server's directory.
 *
 * <p>Uploads stream with pipelined writes of up to 255 KiB (OpenSSH refuses SFTP messages over 256
 * KiB), {@value #WRITES_IN_FLIGHT} in flight; downloads read ahead {@value #READS_IN_FLIGHT} requests.
 * An upload goes to {@code .<name>.<uuid>.part} in the same directory and is published by a rename:
 * a plain SFTP rename (which OpenSSH refuses when the target exists) for a new object, and
 * {@code posix-rename@openssh.com} (atomic, replacing) to replace one.
 *
 * <p>Every request waits for the server at most the I/O timeout ({@code TransportSettings.ioTimeout}),
 * and so does a write waiting for the server's channel window. Not thread-safe, except {@link #close()},
 * which may come from another thread to abort: a read or write blocked on a silent server then fails at
 * once with an {@link IOException}, not at the timeout (see {@link Calls}).
 */
final class SftpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SftpTransport.class);
    static final int CHUNK = 255 * 1024;
    static final int WRITES_IN_FLIGHT = 32;
    static final int READS_IN_FLIGHT = 32;
    /** The channel window we grant the server: how much it may send before we acknowledge. */
    static final long WINDOW = 8L << 20;
    /** The largest channel data packet we accept (sshj's decoder refuses SSH packets over 256 KiB). */
    static final int MAX_PACKET = 64 << 10;
    static final String TEMP_SUFFIX = ".part";
    /** {@code .<name>.<uuid>.part}; group 1 is the name of the object the temporary was for. */
    private static final Pattern TEMPORARY = Pattern.compile(
            "\\.(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" + Pattern.quote(TEMP_SUFFIX));
    /** A temporary untouched for this long was left by a lost connection; {@link #list()} removes it. */
    private static final Duration STALE = Duration.ofHours(24);

    private final Connection connection;
    private final SSHClient ssh;
    private final SFTPClient sftp;
    private final String dir;
    private final String where;
    /** The calls to sshj in progress, which {@link #close()} ends. */
    private final Calls calls;
    /** Set when a call failed without an answer from the server (a timeout): it may take no goodbye. */
    private volatile boolean broken;

    private SftpTransport(Connection connection, SSHClient ssh, SFTPClient sftp, String dir) {
        this.connection = connection;
        this.ssh = ssh;
        this.sftp = sftp;
        this.dir = dir;
        this.where = connection.describe() + " '" + dir + "'";
        this.calls = new Calls(where + ": the transport is closed");
    }

    /** Connects, authenticates, and makes sure the server's directory exists. */
    static SftpTransport open(Connection connection) throws IOException {
        SSHClient ssh = Ssh.connect(connection);
        try {
            Ssh.keepAlive(ssh, connection.settings());
            int io = (int) Math.min(Integer.MAX_VALUE, connection.settings().ioTimeout().toMillis());
            ssh.getTransport().setTimeoutMs(io);
            ssh.getConnection().setTimeoutMs(io); // how long a write waits for the server's window
            // sshj's default window (2 MiB) stalls the server's reply stream: a download reached half the speed
            ssh.getConnection().setWindowSize(WINDOW);
            ssh.getConnection().setMaxPacketSize(MAX_PACKET);
            // what the server sends waits in a buffer that grows by doubling, up to sshj's 16 MiB by default;
            // it never holds more than the window, so the window's size is its cap (an array of 8 MiB, not 16)
            ssh.getTransport().getConfig().setMaxCircularBufferSize((int) WINDOW + 1);
            SFTPClient sftp = ssh.newSFTPClient();
            sftp.getSFTPEngine().setTimeoutMs((int) Math.min(Integer.MAX_VALUE,
                    connection.settings().ioTimeout().toMillis()));
            String dir = connection.server().path().isEmpty() ? "." : connection.server().path();
            FileAttributes attributes = sftp.statExistence(dir);
            if (attributes == null) {
                sftp.mkdirs(dir);
            } else if (attributes.getType() != FileMode.Type.DIRECTORY) {
                throw new IOException(connection.describe() + ": '" + dir + "' is not a directory");
            }
            return new SftpTransport(connection, ssh, sftp, dir);
        } catch (IOException | RuntimeException e) {
            Ssh.closeQuietly(ssh);
            if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(connection.describe())) {
                throw io;
            }
            throw Ssh.failure(connection.describe(), "cannot use the directory '" + connection.server().path() + "'",
                    e, connection.settings());
        }
    }

    /** The SSH connection underneath, for tests of how it is set up. */
    SSHClient client() {
        return ssh;
    }

    private String path(String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\") || name.indexOf(0) >= 0) {
            throw new IllegalArgumentException("Object name '" + name + "' is not a plain file name");
        }
    }

    /** The name of the object that {@code fileName} is an upload's temporary of; null when it is none. */
    static String temporaryOf(String fileName) {
        Matcher m = TEMPORARY.matcher(fileName);
        return m.matches() ? m.group(1) : null;
    }

    private IOException closedUnder(String what, String name, IOException cause) {
        return new IOException(where + ": " + what + " '" + name + "': the transport was closed", cause);
    }

    /** An sshj failure as the java.nio exception a caller can act on, naming the server and the object. */
    private IOException translate(String what, String name, IOException e) {
        if (calls.isClosed()) {
            return closedUnder(what, name, e);
        }
        if (e instanceof SFTPException sftpException && sftpException.getStatusCode() != null) {
            switch (sftpException.getStatusCode()) {
                case NO_SUCH_FILE:
                    return new NoSuchFileException(name, null, where + ": no such object");
                case PERMISSION_DENIED:
                    return new AccessDeniedException(name, null, where + ": " + what + ": permission denied");
                case FILE_ALREADY_EXISTS:
                    return new FileAlreadyExistsException(name, null, where + ": an object of this name exists");
                case NO_SPACE_ON_FILESYSTEM:
                case QUOTA_EXCEEDED:
                    return new IOException(where + ": " + what + " '" + name + "': no space left on the server", e);
                case FAILURE:
                    if (what.equals("cannot write")) {
                        // SFTPv3 servers (OpenSSH) report a full disk only as a plain failure
                        return new IOException(where + ": " + what + " '" + name + "': the server failed the write"
                                + " (disk full or quota exceeded?): " + e.getMessage(), e);
                    }
                    break;
                default:
                    break;
            }
        }
        if (!(e instanceof SFTPException answer) || answer.getStatusCode() == Response.StatusCode.UNKNOWN) {
            broken = true; // not the server's answer: a timeout, a lost connection
        }
        if (!ssh.isConnected() || !ssh.getTransport().isRunning()) {
            return new IOException(where + ": " + what + " '" + name + "': the connection was lost ("
                    + Ssh.cause(e, connection.settings()) + ")", e);
        }
        return Ssh.failure(where, what + " '" + name + "'", e, connection.settings());
    }

    @Override
    public ObjectUpload create(String name, boolean replace) throws IOException {
        checkName(name);
        return calls.run(() -> {
            if (!replace && sftp.statExistence(path(name)) != null) {
                throw new FileAlreadyExistsException(name, null, where + ": an object of this name exists");
            }
            String temp = path("." + name + "." + UUID.randomUUID() + TEMP_SUFFIX);
            RemoteFile file;
            try {
                file = sftp.open(temp, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL));
            } catch (IOException e) {
                throw translate("cannot create", name, e);
            }
            return new Upload(name, temp, file, replace);
        });
    }

    @Override
    public InputStream open(String name) throws IOException {
        checkName(name);
        return calls.run(() -> {
            RemoteFile file;
            try {
                file = sftp.open(path(name), EnumSet.of(OpenMode.READ));
            } catch (IOException e) {
                throw translate("cannot read", name, e);
            }
            return new Download(name, file, file.new ReadAheadRemoteFileInputStream(READS_IN_FLIGHT));
        });
    }

    @Override
    public List<StoredObject> list() throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        Instant staleBefore = Instant.now().minus(STALE);
        for (RemoteResourceInfo entry : entries()) {
            String name = entry.getName();
            Instant modified = Instant.ofEpochSecond(entry.getAttributes().getMtime());
            if (name.startsWith(".")) {
                if (entry.isRegularFile() && temporaryOf(name) != null && modified.isBefore(staleBefore)) {
                    removeQuietly(path(name)); // a temporary a lost connection left a day ago
                }
                continue;
            }
            if (entry.isRegularFile()) {
                objects.add(new StoredObject(name, entry.getAttributes().getSize(), modified));
            }
        }
        return objects;
    }

    private List<RemoteResourceInfo> entries() throws IOException {
        return calls.run(() -> {
            try {
                return sftp.ls(dir);
            } catch (IOException e) {
                throw translate("cannot list", dir, e);
            }
        });
    }

    @Override
    public void removeTemporaries(String name) throws IOException {
        checkName(name);
        for (RemoteResourceInfo entry : entries()) {
            if (entry.isRegularFile() && name.equals(temporaryOf(entry.getName()))) {
                remove(entry.getName(), "cannot remove");
                LOG.debug("Removed the temporary '{}' from {}", entry.getName(), where);
            }
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        checkName(name);
        return remove(name, "cannot delete");
    }

    /** Removes a file of the directory; false when there was none. */
    private boolean remove(String name, String what) throws IOException {
        return calls.run(() -> {
            try {
                sftp.rm(path(name));
                return true;
            } catch (SFTPException e) {
                if (e.getStatusCode() == Response.StatusCode.NO_SUCH_FILE) {
                    return false;
                }
                throw translate(what, name, e);
            } catch (IOException e) {
                throw translate(what, name, e);
            }
        });
    }

    @Override
    public void test() throws IOException {
        String probe = "backupkit-probe-" + UUID.randomUUID();
        try (ObjectUpload upload = create(probe, false)) {
            upload.stream().write(probe.getBytes(StandardCharsets.US_ASCII));
            upload.commit();
        }
        if (!delete(probe)) {
            throw new IOException(where + ": the probe '" + probe + "' vanished");
        }
    }

    @Override
    public OptionalLong freeSpace() throws IOException {
        SFTPEngine engine = sftp.getSFTPEngine();
        if (!engine.supportsServerExtension("statvfs", "openssh.com")) {
            return OptionalLong.empty();
        }
        Response response;
        try {
            response = calls.run(() -> engine.request(engine.newExtendedRequest("statvfs@openssh.com").putString(dir))
                    .retrieve(engine.getTimeoutMs(), TimeUnit.MILLISECONDS));
        } catch (IOException e) {
            LOG.debug("statvfs of {} failed: {}", where, e.toString());
            return OptionalLong.empty();
        }
        if (response.getType() != PacketType.EXTENDED_REPLY) {
            return OptionalLong.empty();
        }
        try {
            response.readUInt64(); // f_bsize
            long fragment = response.readUInt64();
            response.readUInt64(); // f_blocks
            response.readUInt64(); // f_bfree
            long available = response.readUInt64();
            return OptionalLong.of(fragment * available);
        } catch (Buffer.BufferException e) {
            return OptionalLong.empty();
        }
    }

    private void removeQuietly(String path) {
        try {
            calls.run(() -> {
                sftp.rm(path);
                return null;
            });
        } catch (IOException e) {
            LOG.debug("Cannot remove {} from {}: {}", path, where, e.toString());
        }
    }

    /**
     * Disconnects; safe to call twice, and from another thread to abort. It ends the calls in progress
     * (see {@link Calls}) and, when there were any or a call failed on this connection, shuts the socket's
     * output before the disconnect: a write blocked in a socket that a silent server no longer empties
     * then fails, and no goodbye waits behind it. On an idle, healthy connection the disconnect says
     * goodbye (SSH_MSG_DISCONNECT). It never waits for the server to answer.
     */
    @Override
    public void close() throws IOException {
        int interrupted = calls.close();
        if (interrupted < 0) {
            return;
        }
        if (interrupted > 0 || broken) {
            try {
                ssh.getSocket().shutdownOutput();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot shut the connection to {} down: {}", where, e.toString());
            }
        }
        ssh.close();
    }

    /**
     * A download through sshj's read-ahead stream, always asking it for {@link #CHUNK} bytes.
     *
     * <p>sshj sizes the READ requests it queues by the length of the read that finds its data used up,
     * so a caller's short read would fill the pipeline with short requests. Reads shorter than a chunk
     * go through a buffer of its own instead.
     */
    private final class Download extends InputStream {
        private final String name;
        private final RemoteFile file;
        private final InputStream in;
        private final byte[] buffer = new byte[CHUNK];
        private int position;
        private int limit;
        private boolean ended;

        Download(String name, RemoteFile file, InputStream in) {
            this.name = name;
            this.file = file;
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (calls.isClosed()) { // nothing read ahead is handed out once the transport closed
                throw closedUnder("cannot read", name, null);
            }
            if (position == limit) {
                if (len >= CHUNK) {
                    return fetch(b, off);
                }
                int n = fetch(buffer, 0);
                if (n < 0) {
                    return -1;
                }
                position = 0;
                limit = n;
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        private int fetch(byte[] into, int off) throws IOException {
            try {
                return calls.run(() -> in.read(into, off, CHUNK));
            } catch (IOException e) {
                throw translate("cannot read", name, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (ended) {
                return; // a second CLOSE of the handle is an error on OpenSSH
            }
            ended = true;
            if (calls.isClosed() || broken) {
                return; // the handle closes with the connection: no waiting for a server that may not answer
            }
            try {
                calls.run(() -> {
                    try {
                        in.close();
                    } finally {
                        file.close();
                    }
                    return null;
                });
            } catch (IOException e) {
                throw translate("cannot close", name, e);
            }
        }
    }

    /** An upload: chunked, pipelined writes to the temporary name, then a rename. */
    private final class Upload implements ObjectUpload {
        private final String name;
        private final String temp;
        private final RemoteFile file;
        private final boolean replace;
        private final RemoteFile.RemoteFileOutputStream remote;
        private final OutputStream stream;
        private boolean done;

        Upload(String name, String temp, RemoteFile file, boolean replace) {
            this.name = name;
            this.temp = temp;
            this.file = file;
            this.replace = replace;
            this.remote = file.new RemoteFileOutputStream(0, WRITES_IN_FLIGHT);
            OutputStream sends = new FilterOutputStream(remote) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    calls.run(() -> {
                        remote.write(b, off, len);
                        return null;
                    });
                }
            };
            this.stream = new Chunking(sends, CHUNK) {
                @Override
                IOException translate(IOException e) {
                    return SftpTransport.this.translate("cannot write", name, e);
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            if (done) {
                throw new IllegalStateException("the upload of '" + name + "' already ended");
            }
            calls.run(() -> {
                publish();
                return null;
            });
            done = true;
        }

        private void publish() throws IOException {
            try {
                stream.flush();
                remote.flush();
                file.close();
            } catch (IOException e) {
                throw translate("cannot write", name, e);
            } catch (RuntimeException e) {
                throw translate("cannot write", name, new IOException(e.toString(), e));
            }
            String target = path(name);
            try {
                if (replace) {
                    sftp.rename(temp, target, Set.of(RenameFlags.OVERWRITE, RenameFlags.ATOMIC));
                } else {
                    sftp.rename(temp, target);
                }
            } catch (SFTPException e) {
                if (!replace && sftp.statExistence(target) != null) {
                    throw new FileAlreadyExistsException(name, null, where + ": an object of this name exists");
                }
                if (replace && e.getMessage() != null && e.getMessage().contains("RENAME-FLAGS are not supported")) {
                    // no posix-rename: fall back to remove-then-rename, not atomic
                    LOG.warn("{} has no posix-rename@openssh.com: replacing '{}' is not atomic", where, name);
                    if (sftp.statExistence(target) != null) {
                        sftp.rm(target);
                    }
                    sftp.rename(temp, target);
                } else {
                    throw translate("cannot publish", name, e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                if (calls.isClosed() || broken) {
                    return; // no waiting for a server that may not answer: the temporary stays (removeTemporaries)
                }
                try {
                    calls.run(() -> {
                        file.close();
                        return null;
                    });
                } catch (IOException e) {
                    LOG.debug("Closing the upload of '{}' failed: {}", name, e.toString());
                }
                removeQuietly(temp);
            }
        }
    }
}
