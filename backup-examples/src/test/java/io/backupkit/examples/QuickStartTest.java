package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class QuickStartTest {
    @TempDir
    Path dir;

    @Test
    void backsUpChangesRestoresAndGetsTheSameBytesBack() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        boolean same = QuickStart.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(same).isTrue();
        assertThat(out).contains("Restore: completed", "\"system_id\": ", "\"short_name\": \"files\"",
                "\"operation_type\": \"restore\"", "  backup  100% ");
    }
}
