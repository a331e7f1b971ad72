package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SftpBackupTest {
    @TempDir
    Path dir;

    @Test
    void backsUpAndRestoresOverSftpWithATrustedHostKey() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        boolean same = SftpBackup.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(same).isTrue();
        assertThat(out).contains("  ssh-rsa AAAA", "The filer presents SHA256:", "Restore: completed");
    }
}
