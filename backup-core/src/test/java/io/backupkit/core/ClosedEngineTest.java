package io.backupkit.core;

import static io.backupkit.core.EngineFixture.localServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.spi.BackupContext;
import io.backupkit.spi.EntrySink;
import io.backupkit.testkit.Delegating;
import io.backupkit.testkit.FakeModule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closed means closed: every call fails at once, nothing is written, and close is idempotent. */
final class ClosedEngineTest {
    @TempDir
    Path dir;
    private FakeModule alpha;

    @BeforeEach
    void data() throws IOException {
        alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("config.ini", "a");
    }

    private BackupEngine open() {
        return EngineFixture.engine(dir.resolve("state")).module(alpha).build();
    }

    @Test
    void everyCallAfterCloseFailsAsClosedAndWritesNothing() throws IOException {
        BackupEngine engine = open();
        long server = engine.createServer(localServer(dir.resolve("filer"))).id();
        String backup = engine.backup(server, "b", "", ContentInfo.everything()).id();
        engine.close();
        Map<Path, byte[]> before = snapshot(dir);

        Map<String, Runnable> calls = new LinkedHashMap<>();
        calls.put("createServer", () -> engine.createServer(localServer(dir.resolve("other"))));
        calls.put("server", () -> engine.server(server));
        calls.put("servers", engine::servers);
        calls.put("updateServer", () -> engine.updateServer(server, localServer(dir.resolve("other"))));
        calls.put("deleteServer", () -> engine.deleteServer(server));
        calls.put("trustedHostKey", () -> engine.trustedHostKey(server));
        calls.put("testServer", () -> engine.testServer(server));
        calls.put("backups", () -> engine.backups(server));
        calls.put("completedBackup", () -> engine.completedBackup(server, backup));
        calls.put("openArchive", () -> engine.openArchive(server, backup));
        calls.put("importBackup", () -> engine.importBackup(server, new ByteArrayInputStream(new byte[1024])));
        calls.put("deleteBackup", () -> engine.deleteBackup(server, backup));
        calls.put("schedules", engine::schedules);
        calls.put("backup", () -> engine.backup(server, "late", "", ContentInfo.everything()));
        calls.put("startBackup", () -> engine.startBackup(server, "late", "", ContentInfo.everything()));
        calls.put("restore", () -> engine.restore(server, backup, null));
        calls.put("startRestore", () -> engine.startRestore(server, backup, null));
        calls.put("factoryReset", engine::factoryReset);
        calls.put("abort", engine::abort);
        calls.put("deviceStatus", engine::deviceStatus);
        calls.put("modules", engine::modules);
        calls.put("systemId", engine::systemId);
        calls.put("addListener", () -> engine.addListener(event -> { }));

        calls.forEach((name, call) -> {
            BackupException e = catchThrowableOfType(BackupException.class, call::run);
            assertThat(e).as(name).isNotNull();
            assertThat(e.code()).as(name).isEqualTo(ErrorCode.CLOSED);
            assertThat(e.getMessage()).as(name).isEqualTo("The engine on '" + dir.resolve("state") + "' is closed");
        });
        assertThat(snapshot(dir)).as("nothing written after close").containsOnlyKeys(before.keySet())
                .allSatisfy((path, bytes) -> assertThat(bytes).as(path.toString()).isEqualTo(before.get(path)));
        engine.close(); // again: nothing happens
    }

    @Test
    void closeAbortsARunningOperationWaitsForItAndReleasesTheDirectory() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Delegating endless = new Delegating(alpha) {
            @Override
            public void backup(BackupContext context, EntrySink sink) throws IOException {
                running.countDown();
                while (true) {
                    context.cancellation().throwIfCancelled();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
        };
        BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(endless).build();
        long server = engine.createServer(localServer(dir.resolve("filer"))).id();
        Started<?> started = engine.startBackup(server, "endless", "", ContentInfo.everything());
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        engine.close();

        assertThatThrownBy(() -> started.result().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ABORTED));
        try (BackupEngine next = open()) {
            OperationInfo latest = next.deviceStatus().latestBackup();
            assertThat(latest.status()).isEqualTo(Status.ABORTED);
            assertThat(next.servers().items()).singleElement().extracting(s -> s.id()).isEqualTo(server);
            assertThat(next.createServer(localServer(dir.resolve("second"))).id()).isEqualTo(server + 1);
        }
    }

    private static Map<Path, byte[]> snapshot(Path root) throws IOException {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
