package io.backupkit.core;

import io.backupkit.api.ModuleInfo;
import io.backupkit.core.internal.archive.Digests;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.BackupModule;
import io.backupkit.spi.Entry;
import io.backupkit.spi.EntrySink;
import io.backupkit.spi.EntrySource;
import io.backupkit.spi.RestoreContext;
import io.backupkit.spi.RestoreStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A module whose one entry is generated on the fly (never held whole anywhere) and whose restore
 * streams it into a file: for proving that the engine buffers nothing whole.
 */
final class GeneratedModule implements BackupModule {
    private final long size;
    private final Path restored;

    GeneratedModule(long size, Path restored) {
        this.size = size;
        this.restored = restored;
    }

    @Override
    public ModuleInfo info() {
        return new ModuleInfo("generated", "test", "Generated data", "data", List.of());
    }

    @Override
    public long estimate(BackupContext context) {
        return size;
    }

    @Override
    public void backup(BackupContext context, EntrySink sink) throws IOException {
        sink.file(Entry.file("big.bin", size, Instant.ofEpochSecond(1_700_000_000), 0600), generator(size));
    }

    /** The SHA-256 of the generated content, computed by streaming it. */
    static String expectedSha256(long size) throws IOException {
        MessageDigest digest = Digests.sha256();
        try (InputStream in = generator(size)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return Digests.hex(digest);
    }

    /** Half random, half repeated bytes: compressible but not trivially. */
    static InputStream generator(long size) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(42);
            private final byte[] block = new byte[1 << 16];
            private int position = block.length;
            private long remaining = size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                if (position == block.length) {
                    random.nextBytes(block);
                    java.util.Arrays.fill(block, block.length / 2, block.length, (byte) 'x');
                    position = 0;
                }
                int n = (int) Math.min(Math.min(len, block.length - position), remaining);
                System.arraycopy(block, position, b, off, n);
                position += n;
                remaining -= n;
                return n;
            }
        };
    }

    @Override
    public RestoreStage prepare(RestoreContext context, EntrySource entries) throws IOException {
        Path stage = restored.resolveSibling(restored.getFileName() + ".stage");
        Entry entry;
        while ((entry = entries.next()) != null) {
            try (InputStream in = entries.content(); OutputStream out = Files.newOutputStream(stage)) {
                in.transferTo(out);
            }
        }
        return new RestoreStage() {
            @Override
            public void commit() throws IOException {
                Files.move(stage, restored, StandardCopyOption.REPLACE_EXISTING);
            }

            @Override
            public void rollback() throws IOException {
                Files.deleteIfExists(stage);
            }
        };
    }
}
