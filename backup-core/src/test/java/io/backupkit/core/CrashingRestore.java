package io.backupkit.core;

import io.backupkit.api.ContentInfo;
import io.backupkit.testkit.FakeModule;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link RestoreCrashTest}: backs up two modules' data ("old"), changes it
 * ("new"), and restores the backup; at the step named by its second argument ({@code module:step}, a
 * step of {@link FakeModule#onStep}) it says INSIDE on standard output and waits to be killed. With a
 * third argument {@code fail-beta}, beta's commit fails, so that the restore rolls back.
 */
public final class CrashingRestore {
    private CrashingRestore() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String stopAt = args[1];
        FakeModule alpha = new FakeModule("alpha", dir.resolve("data").resolve("alpha"));
        FakeModule beta = new FakeModule("beta", dir.resolve("data").resolve("beta"));
        for (FakeModule m : new FakeModule[] {alpha, beta}) {
            m.write("config.ini", "old " + m.info().shortName());
            m.write("data.bin", "old data of " + m.info().shortName());
        }
        try (BackupEngine engine = EngineFixture.engine(dir.resolve("state")).module(alpha).module(beta).build()) {
            long server = engine.createServer(EngineFixture.localServer(dir.resolve("filer"))).id();
            String backup = engine.backup(server, "old", "", ContentInfo.everything()).id();
            for (FakeModule m : new FakeModule[] {alpha, beta}) {
                m.write("config.ini", "new " + m.info().shortName());
                m.write("data.bin", "new data of " + m.info().shortName());
                String name = m.info().shortName();
                m.onStep(step -> {
                    if (stopAt.equals(name + ":" + step)) {
                        System.out.println("INSIDE");
                        System.out.flush();
                        try {
                            Thread.sleep(120_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
            }
            if (args.length > 2 && args[2].equals("fail-beta")) {
                beta.failCommit();
            }
            System.out.println("SERVER " + server + " BACKUP " + backup);
            System.out.flush();
            engine.restore(server, backup, null);
        }
    }
}
