package io.backupkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class OptionsTest {
    @Test
    void theDefaultsRunEveryRowWithTheKeptFreshJvmSettingsAndPeersWhenInstalled() {
        Options o = Options.parse(List.of());
        assertThat(o.only()).isEmpty();
        assertThat(Benchmark.ROWS).allSatisfy(key -> assertThat(o.runs(key)).as(key).isTrue());
        assertThat(o.coldJava()).isEqualTo(Options.COLD_JAVA);
        assertThat(o.coldCds()).isTrue();
        assertThat(o.peers()).isEqualTo(Options.Want.AUTO);
    }

    @Test
    void onlyRunsTheNamedRowsAndRefusesAnUnknownOne() {
        Options o = Options.parse(List.of("--only", "backup-local-cold,restore-local-zstd-borg"));
        assertThat(Benchmark.ROWS).filteredOn(o::runs).containsExactly("restore-local-zstd-borg", "backup-local-cold");

        assertThatThrownBy(() -> Options.parse(List.of("--only", "backup-local,backup-cold")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no row 'backup-cold'")
                .hasMessageContaining("backup-local-cold");
    }

    @Test
    void theFreshJvmOptionsAreTakenApartAtCommasOrDropped() {
        Options o = Options.parse(List.of("--cold-java", "-XX:+UseSerialGC,-Xshare:off", "--cold-cds", "off",
                "--peers", "no"));
        assertThat(o.coldJava()).containsExactly("-XX:+UseSerialGC", "-Xshare:off");
        assertThat(o.coldCds()).isFalse();
        assertThat(o.peers()).isEqualTo(Options.Want.NO);
        assertThat(Options.parse(List.of("--cold-java", "none")).coldJava()).isEmpty();
        assertThatThrownBy(() -> Options.parse(List.of("--cold-cds", "maybe"))).hasMessageContaining("on or off");
        assertThatThrownBy(() -> Options.parse(List.of("--peers", "some"))).hasMessageContaining("auto, yes or no");
    }

    @Test
    void theUsageListsEveryRowInLinesOfAtMost100Characters() {
        assertThatThrownBy(() -> Options.parse(List.of("--help"))).satisfies(e -> {
            String usage = e.getMessage();
            assertThat(Benchmark.ROWS).allSatisfy(key -> assertThat(usage).contains(key));
            assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        });
    }
}
