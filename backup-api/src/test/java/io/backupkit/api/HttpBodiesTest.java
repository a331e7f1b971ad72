package io.backupkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bodies and answers of the HTTP API check themselves as the model's records do. */
final class HttpBodiesTest {
    private static final String FINGERPRINT = "SHA256:PE9jMKaTHNcpJkQnUlzIw8k84TCQaJAMHWr2OrFPSoE";

    @Test
    void aBackupRequestNeedsANameAndADescription() {
        assertThatThrownBy(() -> new BackupRequest(null, null, ContentInfo.everything()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("backup_request.name: is required; backup_request.desc: is required");
    }

    @Test
    void aBackupRequestWithoutContentsBacksUpEveryModule() {
        BackupRequest request = BackupRequest.of("nightly", "");

        assertThat(request.contents()).isNull();
        assertThat(request.optionalContents()).isEmpty();
        assertThat(new BackupRequest("n", "d", ContentInfo.everything()).optionalContents())
                .contains(ContentInfo.everything());
    }

    @Test
    void aRestoreRequestWithoutContentsRestoresEverything() {
        assertThat(RestoreRequest.everything().optionalContents()).isEmpty();
        assertThat(new RestoreRequest(new ContentInfo(true, null)).optionalContents())
                .contains(new ContentInfo(true, null));
    }

    @Test
    void aHostKeyRefusesFingerprintsNotInTheFormOfSshKeygen() {
        assertThatThrownBy(() -> HostKey.of("MD5:aa"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("host_key.fingerprint: must be SHA256: and 43 base64 characters, as ssh-keygen -lf prints"
                        + " it (got \"MD5:aa\")");
        assertThatThrownBy(() -> new HostKey(FINGERPRINT, FINGERPRINT + "="))
                .hasMessageStartingWith("host_key.trusted: must be SHA256: and 43 base64 characters");
        assertThatThrownBy(() -> HostKey.of(null)).hasMessage("host_key.fingerprint: is required");
    }

    @Test
    void aHostKeyTellsWhetherOneIsTrusted() {
        assertThat(HostKey.of(FINGERPRINT).optionalTrusted()).isEmpty();
        assertThat(new HostKey(FINGERPRINT, FINGERPRINT).optionalTrusted()).hasValue(FINGERPRINT);
    }

    @Test
    void anErrorNeedsAnIdAndAText() {
        assertThatThrownBy(() -> new ApiError(null, null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("error.error_id: is required; error.error_text: is required");
    }

    @Test
    void anErrorKeepsAnImmutableCopyOfItsViolations() {
        List<Violation> violations = new ArrayList<>(List.of(new Violation("server.name", "is required", null)));
        ApiError error = new ApiError("invalid_input", "server.name: is required", violations);
        violations.clear();

        assertThat(error.violations()).containsExactly(new Violation("server.name", "is required", null));
        assertThatThrownBy(() -> error.violations().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new ApiError("busy", "t", null).violations()).isEmpty();
        assertThat(ApiError.of("busy", "t")).isEqualTo(new ApiError("busy", "t", List.of()));
    }
}
