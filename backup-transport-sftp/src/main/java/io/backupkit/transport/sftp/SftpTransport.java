package io.backupkit.transport.sftp;

import io.backupkit.spi.Connection;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
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
    private static final Duration STALE = Duration.ofHours(24);

    private final Connection connection;
    private final SSHClient ssh;
    private final SFTPClient sftp;
    private final String dir;
    private final String where;

    private SftpTransport(Connection connection, SSHClient ssh, SFTPClient sftp, String dir) {
        this.connection = connection;
        this.ssh = ssh;
        this.sftp = sftp;
        this.dir = dir;
        this.where = connection.describe() + " '" + dir + "'";
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

    /** An sshj failure as the java.nio exception a caller can act on, naming the server and the object. */
    private IOException translate(String what, String name, IOException e) {
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
        if (!ssh.isConnected() || !ssh.getTransport().isRunning()) {
            return new IOException(where + ": " + what + " '" + name + "': the connection was lost ("
                    + Ssh.cause(e, connection.settings()) + ")", e);
        }
        return Ssh.failure(where, what + " '" + name + "'", e, connection.settings());
    }

    @Override
    public ObjectUpload create(String name, boolean replace) throws IOException {
        checkName(name);
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
    }

    @Override
    public InputStream open(String name) throws IOException {
        checkName(name);
        RemoteFile file;
        try {
            file = sftp.open(path(name), EnumSet.of(OpenMode.READ));
        } catch (IOException e) {
            throw translate("cannot read", name, e);
        }
        InputStream in = file.new ReadAheadRemoteFileInputStream(READS_IN_FLIGHT);
        return new Download(name, file, in);
    }

    @Override
    public List<StoredObject> list() throws IOException {
        List<RemoteResourceInfo> entries;
        try {
            entries = sftp.ls(dir);
        } catch (IOException e) {
            throw translate("cannot list", dir, e);
        }
        List<StoredObject> objects = new ArrayList<>();
        Instant staleBefore = Instant.now().minus(STALE);
        for (RemoteResourceInfo entry : entries) {
            String name = entry.getName();
            Instant modified = Instant.ofEpochSecond(entry.getAttributes().getMtime());
            if (name.startsWith(".")) {
                if (name.endsWith(TEMP_SUFFIX) && entry.isRegularFile() && modified.isBefore(staleBefore)) {
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

    @Override
    public boolean delete(String name) throws IOException {
        checkName(name);
        try {
            sftp.rm(path(name));
            return true;
        } catch (SFTPException e) {
            if (e.getStatusCode() == Response.StatusCode.NO_SUCH_FILE) {
                return false;
            }
            throw translate("cannot delete", name, e);
        }
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
            response = engine.request(engine.newExtendedRequest("statvfs@openssh.com").putString(dir))
                    .retrieve(engine.getTimeoutMs(), TimeUnit.MILLISECONDS);
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
            sftp.rm(path);
        } catch (IOException e) {
            LOG.debug("Cannot remove {} from {}: {}", path, where, e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sftp.close();
        } finally {
            ssh.close();
        }
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
        private boolean closed;

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
                return in.read(into, off, CHUNK);
            } catch (IOException e) {
                throw translate("cannot read", name, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return; // a second CLOSE of the handle is an error on OpenSSH
            }
            closed = true;
            try {
                in.close();
            } finally {
                file.close();
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
            this.stream = new Chunking(remote, CHUNK) {
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
            done = true;
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                try {
                    file.close();
                } catch (IOException e) {
                    LOG.debug("Closing the upload of '{}' failed: {}", name, e.toString());
                }
                removeQuietly(temp);
            }
        }
    }
}
