package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's snippets are the example code's marked regions, word for word. */
final class ReadmeSnippetsTest {
    private static final Pattern REGION = Pattern.compile("// \\[(\\w+)\\]\\n(.*?)\\n\\s*// \\[/\\1\\]", Pattern.DOTALL);

    @Test
    void everyMarkedRegionOfTheExamplesStandsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/main/java/io/backupkit/examples/QuickStart.java"))
                + Files.readString(Path.of("src/main/java/io/backupkit/examples/SftpBackup.java"))
                + Files.readString(Path.of("src/main/java/io/backupkit/examples/ScheduledBackupsExample.java"))
                + Files.readString(Path.of("src/main/java/io/backupkit/examples/CustomModule.java"))
                + Files.readString(Path.of("src/test/java/io/backupkit/examples/CustomModuleContractTest.java"))
                + Files.readString(Path.of("../backup-testkit/src/main/java/io/backupkit/testkit/InMemoryTransport.java"));

        Matcher m = REGION.matcher(source);
        int regions = 0;
        while (m.find()) {
            assertThat(readme).as("README holds region [%s] of the examples", m.group(1)).contains(dedent(m.group(2)));
            regions++;
        }
        assertThat(regions).isGreaterThanOrEqualTo(7);
    }

    private static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).toList());
    }
}
