package io.backupkit.core;

import io.backupkit.api.Server;
import io.backupkit.core.internal.keys.RsaKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared set-up of engine tests: one key pair for all (generating RSA keys is slow), a local filer. */
final class EngineFixture {
    static final String KEY = RsaKeys.toPem(RsaKeys.generate().getPrivate());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    private EngineFixture() {
    }

    static BackupEngine.Builder engine(Path state) {
        return BackupEngine.builder().stateDirectory(state).device("device-0042", "NX-200", "SN-42", "4.2.1")
                .clock(CLOCK).discover(false);
    }

    static Server localServer(Path filer) {
        return new Server(null, "local", "Local filer", "", 22, filer.toString(), "", KEY, null);
    }
}
