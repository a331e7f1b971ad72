package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.Status;
import io.backupkit.core.internal.archive.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One entry of 512 MiB backed up and restored in a JVM limited to 64 MiB of heap (Failsafe runs this
 * class with -Xmx64m): nothing on the way may hold an archive or an entry whole.
 */
final class LargeEntryIT {
    private static final long SIZE = 512L << 20;

    @TempDir
    Path dir;

    @Test
    void backsUpAndRestoresAnEntryEightTimesLargerThanTheHeap() throws IOException {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with -Xmx64m").isLessThanOrEqualTo(80L << 20);
        Path restored = dir.resolve("restored.bin");
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state"))
                .module(new GeneratedModule(SIZE, restored)).compression(Compression.ZSTD).build()) {
            long server = engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id();

            CompletedBackup backup = engine.backup(server, "large", "", ContentInfo.everything());
            engine.restore(server, backup.id(), null);

            assertThat(backup.status()).isEqualTo(Status.COMPLETED);
        }
        assertThat(Files.size(restored)).isEqualTo(SIZE);
        assertThat(sha256(restored)).isEqualTo(GeneratedModule.expectedSha256(SIZE));
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = Digests.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return Digests.hex(digest);
    }
}
