package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

final class PeersTest {
    @Test
    void resticFrom014AndBorg1FromItsZstdReleaseRunTheirRows() {
        assertThat(Peers.unsuitable("restic", "restic 0.14.0 compiled with go1.19.8 on linux/amd64")).isNull();
        assertThat(Peers.unsuitable("restic", "restic 0.16.4 compiled with go1.21.6 on linux/amd64")).isNull();
        assertThat(Peers.unsuitable("restic", "restic 0.13.1 compiled with go1.17 on linux/amd64"))
                .isEqualTo("restic 0.13.1 is older than 0.14, which made compressed repositories");
        assertThat(Peers.unsuitable("borg", "borg 1.2.4\n")).isNull();
        assertThat(Peers.unsuitable("borg", "borg 1.1.4")).isNull();
        assertThat(Peers.unsuitable("borg", "borg 1.1.3")).contains("older than 1.1.4");
        assertThat(Peers.unsuitable("borg", "borg 2.0.0b8")).isEqualTo("borg 2.0.0 is not 1.x, whose command line the "
                + "benchmark drives");
        assertThat(Peers.unsuitable("borg", "no version here")).contains("does not tell its version");
    }

    @Test
    void thePasswordAndEveryDirectoryOfThePeersAreInTheirEnvironmentBelowTheirHome() {
        Path home = Path.of("/run/bench/peers/home");
        var environment = new Peers(home).environment();
        assertThat(environment).containsKeys("RESTIC_PASSWORD", "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK")
                .containsEntry("RESTIC_CACHE_DIR", home.resolve("restic-cache").toString())
                .containsEntry("BORG_BASE_DIR", home.resolve("borg").toString());
        assertThat(String.join(" ", Peers.resticBackup(Path.of("/repo"), "data"))
                + String.join(" ", Peers.resticInit(Path.of("/repo")))
                + String.join(" ", Peers.resticRestore(Path.of("/repo"), Path.of("/out"))))
                .doesNotContain(environment.get("RESTIC_PASSWORD"));
    }
}
