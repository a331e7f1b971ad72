package io.backupkit.core;

import static io.backupkit.core.EngineFixture.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import io.backupkit.api.Server;
import io.backupkit.core.internal.keys.RsaKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ServersTest {
    @TempDir
    Path dir;

    private static Server request(String privateKey) {
        return new Server(7L, "filer-east", "East", "filer-east.example.net", 22, "/srv/backups", "backup", privateKey,
                "ssh-rsa forged");
    }

    @Test
    void generatesAKeyReturnedOnceAndShowsItsPublicKeyOnEveryRead() throws IOException {
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            Server created = engine.createServer(request(null));

            assertThat(created.id()).isEqualTo(1L);
            assertThat(created.newPrivateKey()).startsWith("-----BEGIN PRIVATE KEY-----");
            KeyPair keys = RsaKeys.parsePrivateKey(created.newPrivateKey());
            assertThat(((RSAPublicKey) keys.getPublic()).getModulus().bitLength()).isEqualTo(3072);
            assertThat(created.publicKey()).isEqualTo(RsaKeys.authorizedKey((RSAPublicKey) keys.getPublic(),
                    "backupkit@device-0042"));
            Server read = engine.server(1);
            assertThat(read.newPrivateKey()).isNull();
            assertThat(read.publicKey()).isEqualTo(created.publicKey());
            assertThat(engine.servers().items()).containsExactly(read);
            Path keyFile = dir.resolve("state/keys/server-1.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve("state/state.json"))).doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void acceptsAGivenKeyWithoutReturningIt() {
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            Server created = engine.createServer(request(EngineFixture.KEY));

            assertThat(created.newPrivateKey()).isNull();
            assertThat(created.publicKey()).isEqualTo(RsaKeys.authorizedKey(
                    (RSAPublicKey) RsaKeys.parsePrivateKey(EngineFixture.KEY).getPublic(), "backupkit@device-0042"));
        }
    }

    @Test
    void refusesAKeyThatIsNotAnRsaPrivateKeyAndStoresNothing() {
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            BackupException e = catchThrowableOfType(BackupException.class,
                    () -> engine.createServer(request("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----")));

            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.getMessage()).startsWith("new_private_key: ");
            assertThat(engine.servers().items()).isEmpty();
        }
    }

    @Test
    void updatesAndDeletesAServer() throws IOException {
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            Server created = engine.createServer(request(null));
            Server changed = new Server(null, "filer-west", "West", "192.0.2.1", 2222, "/b", "u", null, null);

            Server updated = engine.updateServer(created.id(), changed);

            assertThat(updated.name()).isEqualTo("filer-west");
            assertThat(updated.port()).isEqualTo(2222);
            assertThat(updated.publicKey()).isEqualTo(created.publicKey());
            Server rekeyed = engine.updateServer(created.id(), new Server(null, "filer-west", "West", "192.0.2.1",
                    2222, "/b", "u", EngineFixture.KEY, null));
            assertThat(rekeyed.publicKey()).isNotEqualTo(created.publicKey());

            engine.deleteServer(created.id());

            assertThat(engine.servers().items()).isEmpty();
            assertThat(Files.exists(dir.resolve("state/keys/server-1.pem"))).isFalse();
            assertThat(catchThrowableOfType(BackupException.class, () -> engine.server(created.id())).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void neverLogsOrPrintsAPrivateKey() throws IOException {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Server created;
        try (BackupEngine engine = engine(dir.resolve("state")).build()) {
            created = engine.createServer(request(null));
            engine.createServer(request(EngineFixture.KEY));
            assertThat(created.toString()).doesNotContain("PRIVATE");
        } finally {
            System.setErr(original);
        }
        String body = created.newPrivateKey().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(body).doesNotContain("PRIVATE KEY");
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!f.getParent().getFileName().toString().equals("keys")) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(body);
                }
            }
        }
    }
}
