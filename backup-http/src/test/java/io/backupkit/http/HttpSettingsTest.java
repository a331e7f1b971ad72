package io.backupkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupException;
import org.junit.jupiter.api.Test;

final class HttpSettingsTest {
    @Test
    void masksTheTokenInToString() {
        HttpSettings settings = HttpSettings.DEFAULTS.withToken("secret-token-0123456789");

        assertThat(settings.toString()).doesNotContain("secret").contains("token=****");
        assertThat(HttpSettings.DEFAULTS.toString()).contains("token=null");
    }

    @Test
    void refusesAShortOrOddTokenWithoutEchoingIt() {
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withToken("short"))
                .isInstanceOf(BackupException.class)
                .hasMessage("HTTP setting 'token' must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / with"
                        + " optional '=' padding (got 5 characters)");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withToken("has spaces in it 0123456789"))
                .hasMessageNotContaining("spaces");
    }

    @Test
    void refusesLimitsAndThreadsOutOfRange() {
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withThreads(0, 1))
                .hasMessage("HTTP setting 'threads' must be between 1 and 1000 (got 0)");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withThreads(1, -1))
                .hasMessage("HTTP setting 'queueCapacity' must be between 0 and 100000 (got -1)");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withMaxJsonBytes(0))
                .hasMessage("HTTP setting 'maxJsonBytes' must be between 1 and 9223372036854775807 (got 0)");
        assertThatThrownBy(() -> HttpSettings.DEFAULTS.withMaxUploadBytes(-5))
                .hasMessage("HTTP setting 'maxUploadBytes' must be between 1 and 9223372036854775807 (got -5)");
    }

    @Test
    void theDefaultsGenerateATokenAndAllowAnyUpload() {
        assertThat(HttpSettings.DEFAULTS.token()).isNull();
        assertThat(HttpSettings.DEFAULTS.maxJsonBytes()).isEqualTo(1L << 20);
        assertThat(HttpSettings.DEFAULTS.maxUploadBytes()).isEqualTo(Long.MAX_VALUE);
    }
}
