package io.backupkit.core;

import io.backupkit.api.ContentInfo;
import io.backupkit.testkit.FakeModule;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run in a child JVM by {@link KillAnywhereTest}: backs up and restores two modules over and over, to be
 * killed at a random point. The data never changes, so a restore puts back what is there.
 */
public final class BusyEngine {
    private BusyEngine() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FakeModule alpha = KillAnywhereTest.alpha(dir);
        FakeModule beta = KillAnywhereTest.beta(dir);
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).module(beta).build()) {
            long server = engine.servers().items().isEmpty()
                    ? engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id()
                    : engine.servers().items().get(0).id();
            System.out.println("READY");
            System.out.flush();
            Random random = new Random();
            while (true) {
                String backup = engine.backup(server, "busy", "", ContentInfo.everything()).id();
                if (random.nextBoolean()) {
                    engine.restore(server, backup, null);
                }
            }
        }
    }
}
