package io.backupkit.core;

import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.EntrySink;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import io.backupkit.testkit.RecordingProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a module keeps with a reservation is shown where a user looks, and the backup completes. */
final class WarningsTest {
    @TempDir
    Path dir;

    @Test
    void aModulesWarningsAreInTheOperationsInfoTheRecordAndTheProgressEvents() throws IOException {
        FakeModule alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("app.log", "growing");
        Delegating warning = new Delegating(alpha) {
            @Override
            public void backup(BackupContext context, EntrySink sink) throws IOException {
                context.warnings().warn("app.log", "changed while read: grew beyond its 7 bytes; cut at that size");
                super.backup(context, sink);
            }
        };
        RecordingProgressListener events = new RecordingProgressListener();
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(warning).build()) {
            engine.addListener(events);
            long server = engine.createServer(localServer(dir.resolve("filer"))).id();

            CompletedBackup backup = engine.backup(server, "b", "", ContentInfo.everything());

            assertThat(backup.status()).isEqualTo(Status.COMPLETED);
            Map<String, Object> expected = Map.of("module", "alpha", "subject", "app.log",
                    "reason", "changed while read: grew beyond its 7 bytes; cut at that size");
            OperationInfo latest = engine.deviceStatus().latestBackup();
            assertThat(latest.details().properties().get("warnings")).isEqualTo(List.of(expected));
            assertThat(events.events()).anySatisfy(e -> assertThat(e.message())
                    .isEqualTo("Warning: app.log: changed while read: grew beyond its 7 bytes; cut at that size"));
            JsonNode record = new ObjectMapper().readTree(dir.resolve("filer").resolve(backup.id() + ".json").toFile());
            assertThat(record.path("warnings")).hasSize(1);
            assertThat(record.path("warnings").get(0).path("subject").asText()).isEqualTo("app.log");
        }
    }
}
