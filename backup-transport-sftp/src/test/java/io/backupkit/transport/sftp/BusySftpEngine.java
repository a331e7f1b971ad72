package io.backupkit.transport.sftp;

import io.backupkit.api.ContentInfo;
import io.backupkit.core.BackupEngine;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run in a child JVM by {@link SftpKillAnywhereTest}: on a state directory whose one server is a real
 * OpenSSH filer, backs up and restores over and over, to be killed at a random point.
 */
public final class BusySftpEngine {
    private BusySftpEngine() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (BackupEngine engine = SftpKillAnywhereTest.engine(dir).build()) {
            long server = engine.servers().items().get(0).id();
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
