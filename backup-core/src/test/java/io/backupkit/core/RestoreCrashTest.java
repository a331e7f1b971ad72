package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.testkit.FakeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A restore killed at every step of its prepare, commit, rollback and finish (a child JVM stopped there
 * and killed): at the next start every module's data is complete old data or complete new data, never
 * missing and never mixed, nothing the restore made is left beside it, and the recorded status says
 * which side it went to.
 */
final class RestoreCrashTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed at {0} {2}")
    @CsvSource({
        // before every stage is prepared and the archive verified: back to the data from before
        "beta:prepared, old, ''",
        // from the first commit on: forward, and the restore completed
        "alpha:moved-live, new, ''",
        "alpha:committed, new, ''",
        "beta:moved-live, new, ''",
        "beta:committed, new, ''",
        "alpha:finished, new, ''",
        // a commit failed and the rollback was under way: back
        "alpha:rolled-back-live, old, fail-beta",
    })
    void endsOnOneSideWhereverTheKillCame(String stopAt, String side, String option) throws Exception {
        kill(stopAt, option);

        FakeModule alpha = new FakeModule("alpha", dir.resolve("data").resolve("alpha"));
        FakeModule beta = new FakeModule("beta", dir.resolve("data").resolve("beta"));
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).module(beta).build()) {
            // "old" is what the backup holds: a completed restore brings it back
            String expected = side.equals("new") ? "old" : "new";
            for (FakeModule m : new FakeModule[] {alpha, beta}) {
                String name = m.info().shortName();
                assertThat(m.snapshot()).as(name).isEqualTo(Map.of("config.ini", expected + " " + name,
                        "data.bin", expected + " data of " + name));
            }
            assertThat(names(dir.resolve("data"))).as("nothing left beside the live data")
                    .containsExactly("alpha", "beta");
            OperationInfo latest = engine.deviceStatus().latestRestore();
            assertThat(engine.deviceStatus().currentOperation()).isNull();
            if (side.equals("new")) {
                assertThat(latest.status()).isEqualTo(Status.COMPLETED);
                assertThat(latest.statusMessage()).isEqualTo("Restore completed: the engine stopped during its commit"
                        + " and finished it at its next start");
            } else {
                assertThat(latest.status()).isEqualTo(Status.FAILED);
                assertThat(latest.statusMessage()).isEqualTo("Interrupted: the engine stopped during the operation;"
                        + " every module's data is as it was before the restore");
            }
        }
    }

    private void kill(String stopAt, String option) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashingRestore.class.getName(), dir.toString(), stopAt));
        if (!option.isEmpty()) {
            command.add(option);
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("INSIDE")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child reached " + stopAt + ":\n" + seen).isEqualTo("INSIDE");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
