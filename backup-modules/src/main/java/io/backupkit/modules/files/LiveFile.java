package io.backupkit.modules.files;

import io.backupkit.modules.files.Tree.Node;
import io.backupkit.modules.internal.OsErrors;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Backs up one regular file that the host may be writing at the same time. The entry gets exactly the
 * size it declares, as the archive requires: the size of a stat taken when the file is opened (a second
 * stat when the first, from the walk, is already out of date); a file that ends early is padded with
 * zeros, one that grew is cut at that size. A file that changed while it was read (size or modification
 * time, as GNU tar's "file changed as we read it"), or vanished, is reported as a warning or fails the
 * backup ({@code on_change}); a file that cannot be opened or read is skipped with a warning or fails
 * the backup ({@code on_unreadable}).
 */
final class LiveFile {
    /** Test-only: called with the file's path before it is opened. */
    static volatile Consumer<Path> beforeOpen = path -> {
    };
    /** Test-only: called with the file's path once it is open and its size known, before it is read. */
    static volatile Consumer<Path> beforeRead = path -> {
    };

    private static final int PROBE = 1 << 16;
    /**
     * The probe's buffer, one per thread and reused file after file (a file's content is read through
     * before the next file is opened): direct, so that a read needs no copy through the JDK's own.
     */
    private static final ThreadLocal<ByteBuffer> PROBES = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(PROBE));

    private final Node file;
    private final Policy policy;

    private LiveFile(Node file, Policy policy) {
        this.file = file;
        this.policy = policy;
    }

    /** Writes the file's entry to {@code sink}, or reports through {@code policy} why it is left out. */
    static void backup(Node file, EntrySink sink, Policy policy) throws IOException {
        new LiveFile(file, policy).backup(sink);
    }

    private void backup(EntrySink sink) throws IOException {
        Path path = file.path();
        beforeOpen.accept(path);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            changed("removed before it was read");
            return;
        } catch (IOException e) {
            unreadable(e);
            return;
        }
        try (channel) {
            BasicFileAttributes stat = file.attributes();
            if (size(channel) != stat.size()) {
                stat = restat();
                if (stat == null) {
                    return;
                }
            }
            beforeRead.accept(path);
            Content content = new Content(channel, stat.size());
            try {
                content.probe();
            } catch (IOException e) {
                unreadable(e);
                return;
            }
            sink.file(Entry.file(file.entryName(), stat.size(), Attributes.modified(stat), Attributes.mode(stat, false)),
                    content);
            String change = content.change();
            if (change == null) {
                change = changeSince(stat);
            }
            if (change != null) {
                changed(change);
            }
        }
    }

    /** The size of the open file, or -1 when it cannot be had. */
    private static long size(FileChannel channel) {
        try {
            return channel.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A second stat, once the file is open; null when it is no longer a regular file (reported). */
    private BasicFileAttributes restat() throws IOException {
        BasicFileAttributes stat;
        try {
            stat = Attributes.read(file.path());
        } catch (NoSuchFileException e) {
            changed("removed before it was read");
            return null;
        } catch (IOException e) {
            unreadable(e);
            return null;
        }
        if (!stat.isRegularFile()) {
            changed("no longer a regular file");
            return null;
        }
        return stat;
    }

    /** How the file differs from {@code stat} once read, or null when it does not. */
    private String changeSince(BasicFileAttributes stat) throws IOException {
        BasicFileAttributes now;
        try {
            now = Attributes.read(file.path());
        } catch (NoSuchFileException e) {
            return "removed while read";
        } catch (IOException e) {
            throw OsErrors.failure(FilesModule.NAME, "read", file.path(), e);
        }
        if (now.size() != stat.size()) {
            return "size " + stat.size() + " when opened, " + now.size() + " when read";
        }
        if (!now.lastModifiedTime().equals(stat.lastModifiedTime())) {
            return "modified at " + stat.lastModifiedTime() + " when opened, at " + now.lastModifiedTime()
                    + " when read";
        }
        return null;
    }

    private void changed(String detail) throws IOException {
        policy.changed(file.entryName(), file.path(), detail);
    }

    private void unreadable(IOException e) throws IOException {
        policy.unreadable(file.entryName(), file.path(), "read", e);
    }

    /**
     * Exactly {@code size} bytes of the open file: its content, padded with zeros when it ends early and
     * cut when it has more. The first block is read ahead ({@link #probe}), so that a file that cannot be
     * read is found before its entry is written.
     */
    private final class Content extends InputStream {
        private final FileChannel channel;
        private final long size;
        private ByteBuffer ahead;
        private long remaining;
        private long padded = -1;
        private boolean longer;

        Content(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
            this.remaining = size;
        }

        void probe() throws IOException {
            ahead = PROBES.get().clear().limit((int) Math.min(PROBE, size));
            while (ahead.hasRemaining() && channel.read(ahead) >= 0) {
                // until the block is full or the file ends
            }
            ahead.flip();
        }

        /** What the read found changed: the file ended early or went on; null when neither. */
        String change() {
            if (padded >= 0) {
                return "ended after " + (size - padded) + " of its " + size + " bytes; padded with zeros";
            }
            if (longer) {
                return "grew beyond its " + size + " bytes; cut at that size";
            }
            return null;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining == 0) {
                checkForMore();
                return -1;
            }
            int max = (int) Math.min(len, remaining);
            int n;
            if (ahead.hasRemaining()) {
                n = Math.min(max, ahead.remaining());
                ahead.get(b, off, n);
            } else if (padded >= 0) {
                n = max;
                Arrays.fill(b, off, off + n, (byte) 0);
            } else {
                n = readChannel(ByteBuffer.wrap(b, off, max));
                if (n < 0) {
                    padded = remaining;
                    n = max;
                    Arrays.fill(b, off, off + n, (byte) 0);
                }
            }
            remaining -= n;
            return n;
        }

        private void checkForMore() throws IOException {
            if (!longer && padded < 0 && !ahead.hasRemaining()) {
                longer = readChannel(ahead.clear().limit(1)) > 0;
                ahead.limit(0); // nothing of it is content
            }
        }

        private int readChannel(ByteBuffer into) throws IOException {
            try {
                int n;
                do {
                    n = channel.read(into);
                } while (n == 0);
                return n;
            } catch (IOException e) {
                throw OsErrors.failure(FilesModule.NAME, "read", file.path(), e);
            }
        }
    }
}
