package io.backupkit.core.internal.transport;

import io.backupkit.core.internal.state.AtomicFiles;
import io.backupkit.spi.ObjectUpload;
import io.backupkit.spi.StoredObject;
import io.backupkit.spi.Transport;
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
import java.util.UUID;

/**
 * A backup server that is a directory of the local file system (the embedded default filer). Uploads
 * go to {@code .<name>.<uuid>.part} in the same directory and are published with a hard link (which
 * fails when the name exists) or an atomic rename (to replace).
 */
public final class LocalTransport implements Transport {
    static final String TEMP_SUFFIX = ".part";
    private static final Duration STALE = Duration.ofHours(24);

    private final Path dir;

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

    @Override
    public ObjectUpload create(String name, boolean replace) throws IOException {
        checkName(name);
        Path target = dir.resolve(name);
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "an object of this name exists");
        }
        Path temp = dir.resolve("." + name + "." + UUID.randomUUID() + TEMP_SUFFIX);
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new Upload(channel, temp, target, replace);
    }

    @Override
    public InputStream open(String name) throws IOException {
        checkName(name);
        return Files.newInputStream(dir.resolve(name));
    }

    @Override
    public List<StoredObject> list() throws IOException {
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
                    if (name.endsWith(TEMP_SUFFIX) && attributes.lastModifiedTime().toInstant().isBefore(staleBefore)) {
                        Files.deleteIfExists(path); // a temporary left by a crash a day ago
                    }
                    continue;
                }
                if (attributes.isRegularFile()) {
                    objects.add(new StoredObject(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
                }
            }
        }
        return objects;
    }

    @Override
    public boolean delete(String name) throws IOException {
        checkName(name);
        boolean deleted = Files.deleteIfExists(dir.resolve(name));
        AtomicFiles.syncDirectory(dir);
        return deleted;
    }

    @Override
    public void test() throws IOException {
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException("Directory '" + dir + "' is not a writable directory");
        }
    }

    @Override
    public OptionalLong freeSpace() throws IOException {
        return OptionalLong.of(Files.getFileStore(dir).getUsableSpace());
    }

    @Override
    public void close() {
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
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() {
                    // the upload closes the channel
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
                throw new IllegalStateException("upload of '" + target.getFileName() + "' already ended");
            }
            stream.flush();
            channel.force(true);
            channel.close();
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

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                channel.close();
                Files.deleteIfExists(temp);
            }
        }
    }
}
