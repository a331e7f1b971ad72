package io.backupkit.core;

import io.backupkit.api.ContentInfo;
import io.backupkit.testkit.FakeModule;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link EngineRecoveryTest}: starts a backup that stops in the middle, says
 * so on standard output, and waits to be killed.
 */
public final class CrashingBackup {
    private CrashingBackup() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FakeModule alpha = new FakeModule("alpha", dir.resolve("alpha"));
        alpha.write("a.txt", "a");
        alpha.write("b.txt", "b");
        alpha.afterEntry(entry -> {
            System.out.println("INSIDE");
            System.out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).build();
        long server = engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id();
        System.out.println("SERVER " + server);
        engine.backup(server, "doomed", "", ContentInfo.everything());
    }
}
