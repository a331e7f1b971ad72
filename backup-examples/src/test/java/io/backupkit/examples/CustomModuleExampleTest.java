package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CustomModuleExampleTest {
    @Test
    void backsUpAndRestoresTheSettingsStoreThroughTheEngine(@TempDir Path work) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        boolean same = CustomModuleExample.run(work, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(same).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Backed up the settings store")
                .contains("Restored: settings {language=en, theme=dark}, values {visits=42}");
    }
}
