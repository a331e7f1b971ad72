package io.backupkit.core.internal.transport;

import io.backupkit.core.internal.state.AtomicFiles;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup server that is a directory of the local file system (the embedded default filer). Uploads
 * go to {@code .<name>.<uuid>.part} in the same directory and are published with a hard link (which
 * fails when the name exists) or an atomic rename (to replace).
 *
 * <p>Only regular files are objects: a directory, a symbolic link, a FIFO, a device or a socket in the
 * directory is left out of {@link #list()} and refused by {@link #open(String)} without being opened, so
 * that a FIFO named like an archive cannot block a read. (A file swapped for a FIFO between that check
 * and the open would still block the open; only someone who can write the directory can do that.)
 *
 * <p>Reads and writes of local files have no timeout of their own: a file system that stops answering
 * (a hard-mounted NFS share whose server is gone) blocks them in the kernel, where nothing in Java can
 * end them. Not thread-safe, except {@link #close()}, which may come from another thread: it closes
 * every open stream and upload, so that a read or write in progress or to come fails at once.
 */
public final class LocalTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTransport.class);
    static final String TEMP_SUFFIX = ".part";
    /** {@code .<name>.<uuid>.part}; group 1 is the name of the object the temporary was for. */
    private static final Pattern TEMPORARY = Pattern.compile(
            "\\.(.+)\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" + Pattern.quote(TEMP_SUFFIX));
    /** A temporary untouched for this long was left by a crash; {@link #list()} removes it. */
    private static final Duration STALE = Duration.ofHours(24);
    private static final int FILE_TYPE = 0170000;

    private final Path dir;
    /** The channels of the streams and uploads not closed yet, which {@link #close()} closes. */
    private final Set<FileChannel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public LocalTransport(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("'" + this.dir + "' is not a directory", e);
        }
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\") || name.indexOf(0) >= 0) {
            throw new IllegalArgumentException("Object name '" + name + "' is not a plain file name");
        }
    }

    /** The name of the object that {@code fileName} is an upload's temporary of; null when it is none. */
    static String temporaryOf(String fileName) {
        Matcher m = TEMPORARY.matcher(fileName);
        return m.matches() ? m.group(1) : null;
    }

    @Override
    public ObjectUpload create(String name, boolean replace) throws IOException {
        checkOpen();
        checkName(name);
        Path target = dir.resolve(name);
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "an object of this name exists");
        }
        Path temp = dir.resolve("." + name + "." + UUID.randomUUID() + TEMP_SUFFIX);
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            track(channel);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return new Upload(channel, temp, target, replace);
    }

    @Override
    public InputStream open(String name) throws IOException {
        checkOpen();
        checkName(name);
        Path path = dir.resolve(name);
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException("Object '" + name + "' in '" + dir + "' is " + kind(path, attributes)
                    + ", not a regular file");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return new Download(name, track(channel));
    }

    @Override
    public List<StoredObject> list() throws IOException {
        checkOpen();
        List<StoredObject> objects = new ArrayList<>();
        Instant staleBefore = Instant.now().minus(STALE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path path : entries) {
                String name = path.getFileName().toString();
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (name.startsWith(".")) {
                    if (attributes.isRegularFile() && temporaryOf(name) != null
                            && attributes.lastModifiedTime().toInstant().isBefore(staleBefore)) {
                        removeStale(path); // a temporary left by a crash a day ago
                    }
                } else if (attributes.isRegularFile()) {
                    objects.add(new StoredObject(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
                } else {
                    LOG.debug("Leaving '{}' in '{}' out of the objects: it is {}", name, dir, kind(path, attributes));
                }
            }
        }
        return objects;
    }

    private void removeStale(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            LOG.debug("Cannot remove the stale temporary '{}': {}", temporary, e.toString());
        }
    }

    @Override
    public void removeTemporaries(String name) throws IOException {
        checkOpen();
        checkName(name);
        boolean removed = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path path : entries) {
                if (name.equals(temporaryOf(path.getFileName().toString()))
                        && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(path)) {
                    LOG.debug("Removed the temporary '{}'", path);
                    removed = true;
                }
            }
        }
        if (removed) {
            AtomicFiles.syncDirectory(dir);
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        checkOpen();
        checkName(name);
        boolean deleted = Files.deleteIfExists(dir.resolve(name));
        AtomicFiles.syncDirectory(dir);
        return deleted;
    }

    @Override
    public void test() throws IOException {
        checkOpen();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException("Directory '" + dir + "' is not a writable directory");
        }
    }

    @Override
    public OptionalLong freeSpace() throws IOException {
        checkOpen();
        return OptionalLong.of(Files.getFileStore(dir).getUsableSpace());
    }

    /** Closes every open stream and upload (their reads and writes fail from now on); may come from any thread. */
    @Override
    public void close() {
        closed = true;
        for (FileChannel channel : channels) {
            closeQuietly(channel);
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("The transport of '" + dir + "' is closed");
        }
    }

    /** Registers an open channel for {@link #close()}; closes it and fails when the transport closed meanwhile. */
    private FileChannel track(FileChannel channel) throws IOException {
        channels.add(channel);
        if (closed) {
            closeQuietly(channel);
            checkOpen();
        }
        return channel;
    }

    private void closeQuietly(FileChannel channel) {
        channels.remove(channel);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a file of '{}' failed: {}", dir, e.toString());
        }
    }

    /** A stream's failure, saying so when it failed because the transport was closed under it. */
    private IOException failure(String what, String name, IOException e) {
        if (!closed) {
            return e;
        }
        return new IOException("Cannot " + what + " '" + name + "' in '" + dir + "': the transport was closed", e);
    }

    /** What a file that is not a regular file is, for messages: {@code a FIFO}, {@code a directory}, ... */
    private static String kind(Path path, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        try {
            switch ((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & FILE_TYPE) {
                case 0010000:
                    return "a FIFO";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view here: say no more than the basic attributes do
        }
        return "a special file";
    }

    private final class Download extends FilterInputStream {
        private final String name;
        private final FileChannel channel;

        Download(String name, FileChannel channel) {
            super(Channels.newInputStream(channel));
            this.name = name;
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw failure("read", name, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw failure("read", name, e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw failure("read", name, e);
            }
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }

    private final class Upload implements ObjectUpload {
        private final FileChannel channel;
        private final OutputStream stream;
        private final Path temp;
        private final Path target;
        private final boolean replace;
        private boolean done;

        Upload(FileChannel channel, Path temp, Path target, boolean replace) {
            this.channel = channel;
            this.temp = temp;
            this.target = target;
            this.replace = replace;
            this.stream = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(int b) throws IOException {
                    try {
                        out.write(b);
                    } catch (IOException e) {
                        throw failure("write", name(), e);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        out.write(b, off, len);
                    } catch (IOException e) {
                        throw failure("write", name(), e);
                    }
                }

                @Override
                public void close() {
                    // the upload closes the channel
                }
            };
        }

        private String name() {
            return target.getFileName().toString();
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            if (done) {
                throw new IllegalStateException("upload of '" + name() + "' already ended");
            }
            try {
                checkOpen();
                stream.flush();
                channel.force(true);
                channel.close();
            } catch (IOException e) {
                throw failure("write", name(), e);
            }
            channels.remove(channel);
            if (replace) {
                AtomicFiles.move(temp, target);
            } else {
                try {
                    Files.createLink(target, temp); // link(2): atomic, and fails when the name exists
                } catch (UnsupportedOperationException e) {
                    Files.move(temp, target);
                }
                Files.deleteIfExists(temp);
            }
            done = true;
            AtomicFiles.syncDirectory(dir);
        }

        /** Removes the temporary unless committed; works after the transport closed too. */
        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                closeQuietly(channel);
                Files.deleteIfExists(temp);
            }
        }
    }
}
