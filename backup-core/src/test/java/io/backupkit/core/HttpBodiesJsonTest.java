package io.backupkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.AbortResult;
import io.backupkit.api.ApiError;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.HostKey;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.ServerCheck;
import io.backupkit.api.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The bodies and answers of the HTTP API through the codec, as clients send them: read as strictly as
 * the model, every violation at once at the path the API reports; written compact, optionals left out.
 */
final class HttpBodiesJsonTest {
    private static final String PRESENTED = "SHA256:dBY/pJG1k+mM/3BOG0md6kjl7XICnc28YMcHih9ypjg";

    private final JsonCodec codec = new JsonCodec();

    private static List<String> violations(ThrowingCallable read) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, read);
        assertThat(e).as("an InvalidInputException").isNotNull();
        return e.violations().stream().map(Violation::toString).toList();
    }

    private String compact(Object value) {
        return new String(codec.writeCompact(value), StandardCharsets.UTF_8);
    }

    @Test
    void readsABackupRequestWithoutContentsAsEveryModule() {
        BackupRequest request = codec.readRequest("{\"name\": \"nightly\", \"desc\": \"\"}", BackupRequest.class);

        assertThat(request).isEqualTo(BackupRequest.of("nightly", ""));
        assertThat(request.optionalContents()).isEmpty();
    }

    @Test
    void readsTheContentsOfABackupRequest() {
        BackupRequest request = codec.readRequest("""
                {"name": "n", "desc": "d", "contents": {"config_only": true, "modules": [{"module": "files",
                 "options": []}]}}""", BackupRequest.class);

        assertThat(request.contents()).isEqualTo(new ContentInfo(true, List.of(ModuleSelection.of("files"))));
    }

    @Test
    void reportsEveryViolationOfABackupRequestAtOnceInTheOrderOfItsFields() {
        List<String> violations = violations(() -> codec.readRequest("""
                {"desc": 5, "extra": true, "contents": {"config_only": "yes", "modules": []}}""",
                BackupRequest.class));

        assertThat(violations).containsExactly(
                "backup_request.name: is required",
                "backup_request.desc: must be a string (got 5)",
                "backup_request.contents.config_only: must be true or false (got \"yes\")",
                "backup_request.contents.modules: must not be empty (omit it to mean every module)",
                "backup_request.extra: is not a field of this type");
    }

    @Test
    void refusesAnEmptyBodyAndOneThatIsNotAnObject() {
        assertThat(violations(() -> codec.readRequest("", BackupRequest.class)))
                .containsExactly("backup_request: must be a JSON document, not empty input");
        assertThat(violations(() -> codec.readRequest("[1]", BackupRequest.class)))
                .containsExactly("backup_request: must be an object (got an array)");
        assertThat(violations(() -> codec.readRequest("\"restore\"", RestoreRequest.class)))
                .containsExactly("restore_request: must be an object (got \"restore\")");
    }

    @Test
    void refusesTrailingTokensAfterTheBody() {
        List<String> violations = violations(() -> codec.readRequest(
                "{\"name\": \"n\", \"desc\": \"d\"} {\"name\": \"again\"}", BackupRequest.class));

        assertThat(violations).singleElement().asString().startsWith("backup_request: must be one JSON document: ");
    }

    @Test
    void refusesDuplicateFieldsNamingTheField() {
        List<String> violations = violations(() -> codec.readRequest(
                "{\"contents\": {\"config_only\": true, \"config_only\": false}}", RestoreRequest.class));

        assertThat(violations).singleElement().asString()
                .startsWith("restore_request.contents.config_only: must be valid JSON: Duplicate");
    }

    @Test
    void refusesBodiesNestedTooDeeply() {
        String deep = "{\"name\": \"n\", \"desc\": \"d\", \"contents\": " + "[".repeat(40) + "]".repeat(40) + "}";

        List<String> violations = violations(() -> codec.readRequest(deep, BackupRequest.class));

        assertThat(violations).singleElement().asString().startsWith("backup_request: exceeds a limit: ")
                .contains("nesting depth");
    }

    @Test
    void readsAnEmptyRestoreRequestAsEverything() {
        RestoreRequest request = codec.readRequest("{}", RestoreRequest.class);

        assertThat(request).isEqualTo(RestoreRequest.everything());
        assertThat(request.optionalContents()).isEmpty();
        assertThat(compact(request)).isEqualTo("{}");
    }

    @Test
    void refusesATrustedFingerprintInARequestButReadsItInAnAnswer() {
        String answer = GoldenJsonTest.golden("host_key.json");

        assertThat(violations(() -> codec.readRequest(answer, HostKey.class)))
                .containsExactly("host_key.trusted: is not a field of this type");
        assertThat(codec.read(answer, HostKey.class).optionalTrusted())
                .hasValue("SHA256:PE9jMKaTHNcpJkQnUlzIw8k84TCQaJAMHWr2OrFPSoE");
    }

    @Test
    void readsTheFingerprintToTrust() {
        HostKey key = codec.readRequest("{\"fingerprint\": \"" + PRESENTED + "\"}", HostKey.class);

        assertThat(key).isEqualTo(HostKey.of(PRESENTED));
        assertThat(compact(key)).isEqualTo("{\"fingerprint\":\"" + PRESENTED + "\"}");
    }

    @Test
    void reportsAMalformedFingerprintAtItsField() {
        assertThat(violations(() -> codec.readRequest("{\"fingerprint\": \"MD5:aa\", \"pin\": 1}", HostKey.class)))
                .containsExactly(
                        "host_key.pin: is not a field of this type",
                        "host_key.fingerprint: must be SHA256: and 43 base64 characters, as ssh-keygen -lf prints it"
                                + " (got \"MD5:aa\")");
    }

    @Test
    void writesTheAnswersCompactLeavingAbsentFieldsOut() {
        assertThat(compact(new AbortResult(false))).isEqualTo("{\"aborted\":false}");
        assertThat(compact(new ServerCheck(null, 1024))).isEqualTo("{\"free_bytes\":1024}");
        assertThat(compact(new ServerCheck(PRESENTED, -1))).isEqualTo("{\"host_key\":\"" + PRESENTED + "\"}");
        assertThat(compact(new HostKey(PRESENTED, null))).isEqualTo("{\"fingerprint\":\"" + PRESENTED + "\"}");
    }

    @Test
    void readsAServerCheckWithoutFreeBytesAsUnknown() {
        ServerCheck check = codec.read("{}", ServerCheck.class);

        assertThat(check.free()).isEmpty();
        assertThat(check.hostKey()).isNull();
    }

    @Test
    void writesAnErrorWithViolationsOnlyWhenThereAreSome() {
        ApiError plain = ApiError.of("not_found", "Server 99 does not exist");
        ApiError invalid = new ApiError("invalid_input", "server.name: is required",
                List.of(new Violation("server.name", "is required", null), new Violation("server.port",
                        "must be between 1 and 65535", "0")));

        assertThat(compact(plain))
                .isEqualTo("{\"error_id\":\"not_found\",\"error_text\":\"Server 99 does not exist\"}");
        assertThat(compact(invalid)).isEqualTo("{\"error_id\":\"invalid_input\","
                + "\"error_text\":\"server.name: is required\","
                + "\"violations\":[{\"field\":\"server.name\",\"rule\":\"is required\"},"
                + "{\"field\":\"server.port\",\"rule\":\"must be between 1 and 65535\",\"value\":\"0\"}]}");
        assertThat(codec.read(codec.writeCompact(invalid), ApiError.class)).isEqualTo(invalid);
    }

    @Test
    void readsAnEmptyListOfViolationsAsNone() {
        ApiError error = codec.read("{\"error_id\": \"busy\", \"error_text\": \"t\", \"violations\": []}",
                ApiError.class);

        assertThat(error).isEqualTo(ApiError.of("busy", "t"));
    }
}
