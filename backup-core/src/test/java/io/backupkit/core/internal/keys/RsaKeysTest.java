package io.backupkit.core.internal.keys;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import io.backupkit.api.BackupException;
import io.backupkit.api.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys read by {@link RsaKeys} must give the public key and fingerprint that {@code ssh-keygen}, an
 * independent implementation, derives from the same file. The test fails when ssh-keygen is missing.
 */
final class RsaKeysTest {
    private static final String ENCRYPTED =
            "new_private_key: an encrypted key is not supported; remove the passphrase first (ssh-keygen -p -N \"\" -f KEY)";
    private static final String NOT_PEM = "new_private_key: not a PEM private key"
            + " (expected BEGIN RSA PRIVATE KEY, BEGIN PRIVATE KEY or BEGIN OPENSSH PRIVATE KEY)";

    @TempDir
    Path dir;

    private int keyCount;

    @ParameterizedTest
    @ValueSource(ints = {2048, 3072})
    void derivesTheSamePublicKeyAsSshKeygenFromPkcs1(int bits) throws Exception {
        Path key = sshKeygenRsa(bits, "", "PEM");
        assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----\n");
        assertSameAsSshKeygen(key, bits);
    }

    @ParameterizedTest
    @ValueSource(ints = {2048, 3072})
    void derivesTheSamePublicKeyAsSshKeygenFromPkcs8(int bits) throws Exception {
        Path key = sshKeygenRsa(bits, "", "PKCS8");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertSameAsSshKeygen(key, bits);
    }

    @ParameterizedTest
    @ValueSource(ints = {2048, 3072})
    void derivesTheSamePublicKeyAsSshKeygenFromOpenSsh(int bits) throws Exception {
        Path key = sshKeygenRsa(bits, "", null);
        assertThat(Files.readString(key)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        assertSameAsSshKeygen(key, bits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PEM", "PKCS8", "OPENSSH"})
    void acceptsCrlfLineEndsAndSurroundingWhitespace(String format) throws Exception {
        Path key = sshKeygenRsa(2048, "", format.equals("OPENSSH") ? null : format);
        String pem = Files.readString(key);
        KeyPair expected = RsaKeys.parsePrivateKey(pem);

        KeyPair parsed = RsaKeys.parsePrivateKey("\r\n  \t" + pem.replace("\n", "  \r\n") + "\r\n\r\n ");

        assertThat(((RSAPublicKey) parsed.getPublic()).getModulus())
                .isEqualTo(((RSAPublicKey) expected.getPublic()).getModulus());
    }

    @Test
    void generatesA3072BitKey() {
        KeyPair pair = RsaKeys.generate();

        assertThat(pair.getPublic()).isInstanceOf(RSAPublicKey.class);
        assertThat(((RSAPublicKey) pair.getPublic()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(pair.getPrivate().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void roundTripsAGeneratedKeyThroughPem() throws Exception {
        KeyPair generated = RsaKeys.generate();

        String pem = RsaKeys.toPem(generated.getPrivate());
        KeyPair parsed = RsaKeys.parsePrivateKey(pem);

        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
        List<String> body = pemBody(pem);
        assertThat(body.subList(0, body.size() - 1)).allSatisfy(line -> assertThat(line).hasSize(64));
        assertThat(body.get(body.size() - 1).length()).isBetween(1, 64);
        assertThat(pem).doesNotContain("\r");

        RSAPublicKey derived = (RSAPublicKey) parsed.getPublic();
        assertThat(derived.getModulus()).isEqualTo(((RSAPublicKey) generated.getPublic()).getModulus());
        assertThat(derived.getPublicExponent()).isEqualTo(((RSAPublicKey) generated.getPublic()).getPublicExponent());
        assertThat(parsed.getPrivate()).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(parsed.getPrivate().getEncoded()).isEqualTo(generated.getPrivate().getEncoded());

        byte[] message = "backup manifest".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(generated.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(derived);
        verifier.update(message);
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void signsWithAParsedKeySoThatTheGeneratedPublicKeyVerifies() throws Exception {
        KeyPair generated = RsaKeys.generate();
        KeyPair parsed = RsaKeys.parsePrivateKey(RsaKeys.toPem(generated.getPrivate()));

        byte[] message = "restore".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(parsed.getPrivate());
        signer.update(message);
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(generated.getPublic());
        verifier.update(message);

        assertThat(verifier.verify(signer.sign())).isTrue();
    }

    @Test
    void writesPemThatSshKeygenReads() throws Exception {
        KeyPair generated = RsaKeys.generate();
        Path key = dir.resolve("generated");
        Files.writeString(key, RsaKeys.toPem(generated.getPrivate()), US_ASCII);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

        String sshKeygenPublic = firstTwoFields(sshKeygen("-y", "-f", key.toString()));

        assertThat(RsaKeys.authorizedKey((RSAPublicKey) generated.getPublic(), null)).isEqualTo(sshKeygenPublic);
    }

    @Test
    void appendsTheCommentToTheAuthorizedKey() {
        RSAPublicKey key = (RSAPublicKey) RsaKeys.generate().getPublic();

        assertThat(RsaKeys.authorizedKey(key, "backupkit@device")).matches("ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ backupkit@device");
        assertThat(RsaKeys.authorizedKey(key, "")).matches("ssh-rsa [A-Za-z0-9+/=]+");
        BackupException e = catchThrowableOfType(BackupException.class, () -> RsaKeys.authorizedKey(key, "a\nb"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
    }

    @Test
    void fingerprintsAWireBlobOfAnyTypeLikeSshKeygen() throws Exception {
        Path key = newKeyPath();
        sshKeygen("-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key.toString());
        String[] pub = Files.readString(Path.of(key + ".pub")).strip().split(" ");

        String fingerprint = RsaKeys.fingerprint(Base64.getDecoder().decode(pub[1]));

        assertThat(fingerprint).isEqualTo(sshKeygenFingerprint(Path.of(key + ".pub")));
    }

    @Test
    void refusesEd25519KeysNamingTheType() throws Exception {
        Path key = newKeyPath();
        sshKeygen("-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key.toString());

        assertRefused(Files.readString(key), "new_private_key: only RSA keys are supported (got ssh-ed25519)");
    }

    @Test
    void refusesEcdsaKeysNamingTheType() throws Exception {
        Path openSsh = newKeyPath();
        sshKeygen("-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "test", "-f", openSsh.toString());
        Path pem = newKeyPath();
        sshKeygen("-q", "-t", "ecdsa", "-b", "256", "-N", "", "-m", "PEM", "-f", pem.toString());
        Path pkcs8 = newKeyPath();
        sshKeygen("-q", "-t", "ecdsa", "-b", "256", "-N", "", "-m", "PKCS8", "-f", pkcs8.toString());

        assertRefused(Files.readString(openSsh), "new_private_key: only RSA keys are supported (got ecdsa-sha2-nistp256)");
        assertRefused(Files.readString(pem), "new_private_key: only RSA keys are supported (got EC)");
        assertRefused(Files.readString(pkcs8), "new_private_key: only RSA keys are supported (got EC)");
    }

    @Test
    void refusesPassphraseProtectedKeysInEveryFormat() throws Exception {
        Path pkcs1 = sshKeygenRsa(2048, "secret", "PEM");
        Path pkcs8 = sshKeygenRsa(2048, "secret", "PKCS8");
        Path openSsh = sshKeygenRsa(2048, "secret", null);

        assertThat(Files.readString(pkcs1)).contains("Proc-Type: 4,ENCRYPTED");
        assertRefused(Files.readString(pkcs1), ENCRYPTED);
        assertRefused(Files.readString(pkcs8), "new_private_key: encrypted PKCS#8 keys are not supported");
        assertRefused(Files.readString(openSsh), ENCRYPTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PEM", "PKCS8", "OPENSSH"})
    void refuses1024BitKeys(String format) throws Exception {
        Path key = sshKeygenRsa(1024, "", format.equals("OPENSSH") ? null : format);

        assertRefused(Files.readString(key), "new_private_key: RSA keys must have at least 2048 bits (got 1024)");
    }

    @Test
    void refusesGarbageAndEmptyInput() {
        assertRefused("", NOT_PEM);
        assertRefused(" \r\n\t ", NOT_PEM);
        assertRefused("hello world", NOT_PEM);
        assertRefused("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC3 user@host", NOT_PEM);
        assertRefused("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", NOT_PEM);
        assertRefused("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n", NOT_PEM);
        assertRefused("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n",
                "new_private_key: the PEM body is empty");
        assertRefused("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
                "new_private_key: the PEM does not end with a '-----END RSA PRIVATE KEY-----' line");
        assertRefused("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n",
                "new_private_key: the PEM does not end with a '-----END PRIVATE KEY-----' line");
        assertRefused("-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n",
                "new_private_key: the PEM body is not valid base64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PEM", "PKCS8", "OPENSSH"})
    void refusesTruncatedBase64(String format) throws Exception {
        String pem = Files.readString(sshKeygenRsa(2048, "", format.equals("OPENSSH") ? null : format));
        List<String> lines = new ArrayList<>(pem.lines().toList());
        String end = lines.remove(lines.size() - 1);

        // whole lines missing: valid base64, truncated key
        List<String> half = new ArrayList<>(lines.subList(0, lines.size() / 2));
        half.add(end);
        assertRefused(String.join("\n", half), "new_private_key: malformed ");

        // cut in the middle of a base64 quantum, one character after a group of four
        List<String> cut = new ArrayList<>(lines.subList(0, lines.size() / 2));
        String last = cut.remove(cut.size() - 1);
        int kept = String.join("", pemBody(String.join("\n", cut))).length();
        cut.add(last.substring(0, last.length() - (kept + last.length() - 1) % 4));
        assertThat(String.join("", pemBody(String.join("\n", cut))).length() % 4).isEqualTo(1);
        cut.add(end);
        assertRefused(String.join("\n", cut), "new_private_key: the PEM body is not valid base64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY"})
    void refusesAValidHeaderWithRandomBytes(String label) {
        Random random = new Random(label.hashCode());
        for (int i = 0; i < 50; i++) {
            byte[] bytes = new byte[1 + random.nextInt(2000)];
            random.nextBytes(bytes);
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(bytes);
            assertRefused("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n",
                    "new_private_key: ");
        }
    }

    @Test
    void refusesEveryTruncationAndCorruptionOfAKeyWithInvalidInput() throws Exception {
        byte[] pkcs8 = RsaKeys.generate().getPrivate().getEncoded();
        byte[] pkcs1 = pemDer(Files.readString(sshKeygenRsa(2048, "", "PEM")));
        byte[] openSsh = pemDer(Files.readString(sshKeygenRsa(2048, "", null)));

        for (int length = 0; length < pkcs8.length; length++) {
            assertRefusedOrParsed("PRIVATE KEY", Arrays.copyOf(pkcs8, length), false);
        }
        for (int length = 0; length < pkcs1.length; length++) {
            assertRefusedOrParsed("RSA PRIVATE KEY", Arrays.copyOf(pkcs1, length), false);
        }
        for (int length = 0; length < openSsh.length; length++) {
            assertRefusedOrParsed("OPENSSH PRIVATE KEY", Arrays.copyOf(openSsh, length), false);
        }
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            assertRefusedOrParsed("PRIVATE KEY", flipOneByte(pkcs8, random), true);
            assertRefusedOrParsed("RSA PRIVATE KEY", flipOneByte(pkcs1, random), true);
            assertRefusedOrParsed("OPENSSH PRIVATE KEY", flipOneByte(openSsh, random), true);
        }
    }

    @Test
    void refusesANonRsaPublicKeyForTheFingerprint() throws Exception {
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(256);

        BackupException e = catchThrowableOfType(BackupException.class,
                () -> RsaKeys.fingerprint(ec.generateKeyPair().getPublic()));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(e.getMessage()).contains("got EC");
    }

    // ---- helpers

    private void assertSameAsSshKeygen(Path key, int bits) throws Exception {
        KeyPair pair = RsaKeys.parsePrivateKey(Files.readString(key));
        RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();

        assertThat(publicKey.getModulus().bitLength()).isEqualTo(bits);
        assertThat(pair.getPrivate()).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(RsaKeys.authorizedKey(publicKey, "test")).isEqualTo(firstTwoFields(sshKeygen("-y", "-f", key.toString())) + " test");
        Path pub = Path.of(key + ".pub");
        String sshKeygenFingerprint = sshKeygenFingerprint(pub);
        assertThat(RsaKeys.fingerprint(publicKey)).isEqualTo(sshKeygenFingerprint);
        assertThat(RsaKeys.fingerprint(Base64.getDecoder().decode(Files.readString(pub).split(" ")[1])))
                .isEqualTo(sshKeygenFingerprint);

        // the private key works with the derived public key
        byte[] message = key.toString().getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(message);
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        assertThat(verifier.verify(signer.sign())).isTrue();
    }

    /** Asserts the PEM is refused with INVALID_INPUT, a message starting with {@code expected}, and no body line in it. */
    private static void assertRefused(String pem, String expected) {
        BackupException e = catchThrowableOfType(BackupException.class, () -> RsaKeys.parsePrivateKey(pem));

        assertThat(e).as("refused: %s", expected).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(e.getMessage()).startsWith(expected).doesNotEndWith(".");
        if (!expected.endsWith(" ")) {
            assertThat(e.getMessage()).isEqualTo(expected);
        }
        for (String line : pemBody(pem)) {
            assertThat(e.getMessage()).doesNotContain(line);
        }
    }

    private static void assertRefusedOrParsed(String label, byte[] der, boolean mayParse) {
        String pem = "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END " + label + "-----\n";
        try {
            RsaKeys.parsePrivateKey(pem);
            if (!mayParse) {
                fail("a truncated key of %d bytes was accepted (%s)", der.length, label);
            }
        } catch (BackupException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.getMessage()).startsWith("new_private_key: ");
            for (String line : pemBody(pem)) {
                assertThat(e.getMessage()).doesNotContain(line);
            }
        }
    }

    private static byte[] flipOneByte(byte[] data, Random random) {
        byte[] copy = data.clone();
        copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
        return copy;
    }

    /** The base64 lines of a PEM, without BEGIN, END, headers and blank lines. */
    private static List<String> pemBody(String pem) {
        return pem.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("-----") && !line.contains(":"))
                .toList();
    }

    private static byte[] pemDer(String pem) {
        return Base64.getDecoder().decode(String.join("", pemBody(pem)));
    }

    private Path newKeyPath() {
        return dir.resolve("key" + (++keyCount));
    }

    /** A new RSA key by ssh-keygen; {@code format} is its -m option, null for the OpenSSH format. */
    private Path sshKeygenRsa(int bits, String passphrase, String format) throws Exception {
        Path key = newKeyPath();
        List<String> args = new ArrayList<>(List.of("-q", "-t", "rsa", "-b", Integer.toString(bits),
                "-N", passphrase, "-C", "test", "-f", key.toString()));
        if (format != null) {
            args.addAll(List.of("-m", format));
        }
        sshKeygen(args.toArray(String[]::new));
        return key;
    }

    private static String sshKeygenFingerprint(Path pub) throws Exception {
        String[] fields = sshKeygen("-lf", pub.toString()).strip().split(" ");
        assertThat(fields[1]).startsWith("SHA256:");
        return fields[1];
    }

    private static String firstTwoFields(String line) {
        String[] fields = line.strip().split(" ");
        return fields[0] + " " + fields[1];
    }

    /** Runs ssh-keygen and returns its standard output; fails the test if it is missing or fails. */
    private static String sshKeygen(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("ssh-keygen");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new AssertionError("ssh-keygen is required by this test and could not be run", e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("ssh-keygen timed out: %s", command);
        }
        assertThat(process.exitValue()).as("ssh-keygen %s: %s", command, output).isZero();
        return output;
    }
}
