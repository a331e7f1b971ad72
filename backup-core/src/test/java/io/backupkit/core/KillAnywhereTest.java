package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.Status;
import io.backupkit.testkit.FakeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that backs up and restores over and over is killed at random points, again and again; after
 * each restart nothing is left but complete archives with their records, records of failed backups, and
 * the live data as it was: no partial upload, no stage, no kept previous copy, no backup still "started".
 */
final class KillAnywhereTest {
    private static final int KILLS = Integer.getInteger("backupkit.kills", 12);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static FakeModule alpha(Path dir) {
        return module(dir, "alpha");
    }

    static FakeModule beta(Path dir) {
        return module(dir, "beta");
    }

    private static FakeModule module(Path dir, String name) {
        FakeModule module = new FakeModule(name, dir.resolve("data").resolve(name));
        try {
            if (module.snapshot().isEmpty()) {
                module.write("config.ini", "config of " + name);
                byte[] big = new byte[6 << 20];
                new Random(name.hashCode()).nextBytes(big);
                Files.write(module.live().resolve("data.bin"), big); // a few chunks: kills land mid-archive
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return module;
    }

    @Test
    void leavesNothingButCompleteBackupsAndTheirRecords() throws Exception {
        TreeMap<String, String> alphaData = alpha(dir).snapshot();
        TreeMap<String, String> betaData = beta(dir).snapshot();
        Random random = new Random(42);
        for (int kill = 0; kill < KILLS; kill++) {
            killAfter(random.nextInt(1500));

            try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha(dir)).module(beta(dir))
                    .build()) {
                assertThat(engine.deviceStatus().currentOperation()).isNull();
            }
            assertThat(alpha(dir).snapshot()).as("alpha after kill %d", kill).isEqualTo(alphaData);
            assertThat(beta(dir).snapshot()).as("beta after kill %d", kill).isEqualTo(betaData);
            assertThat(names(dir.resolve("data"))).as("beside the live data after kill %d", kill)
                    .containsExactly("alpha", "beta");
            assertFilerHoldsOnlyWholeBackups(kill);
        }
    }

    private void killAfter(long millis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BusyEngine.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child started:\n" + seen).isEqualTo("READY");
            Thread.sleep(millis);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void assertFilerHoldsOnlyWholeBackups(int kill) throws IOException {
        Path filer = dir.resolve("filer");
        if (!Files.exists(filer)) {
            return;
        }
        List<String> files = names(filer);
        assertThat(files).as("no temporary after kill %d", kill).noneMatch(name -> name.startsWith("."));
        Map<String, String> records = new TreeMap<>();
        for (String name : files) {
            if (name.endsWith(".json") && !name.endsWith(".manifest.json")) {
                JsonNode record = JSON.readTree(filer.resolve(name).toFile());
                records.put(name.substring(0, name.length() - ".json".length()),
                        record.path("completed_backup").path("status").asText());
            }
        }
        for (Map.Entry<String, String> record : records.entrySet()) {
            String id = record.getKey();
            boolean completed = record.getValue().equals(Status.COMPLETED.wire());
            assertThat(record.getValue()).as("backup %s after kill %d", id, kill).isIn("completed", "failed");
            assertThat(files.contains(id + ".tar.zst")).as("archive of %s (%s) after kill %d", id, record.getValue(),
                    kill).isEqualTo(completed);
            assertThat(files.contains(id + ".manifest.json")).as("manifest copy of %s after kill %d", id, kill)
                    .isEqualTo(completed);
        }
        assertThat(files).as("every object belongs to a record after kill %d", kill)
                .allMatch(name -> records.containsKey(name.substring(0, 36)));
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
