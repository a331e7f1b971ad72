package io.backupkit.http;

import static io.backupkit.http.ApiFixture.read;
import static io.backupkit.http.ApiFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.api.BackupStatus;
import io.backupkit.api.Backups;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.OperationInfo;
import io.backupkit.api.Status;
import io.backupkit.core.ArchiveDownload;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup moves between two devices over HTTP: back up on the first, download its archive, upload it
 * to the second's server, restore it there.
 */
final class TransferCycleTest {
    private static final int LIMIT = 64 * 1024;

    @TempDir
    Path first;
    @TempDir
    Path second;
    ApiFixture a;
    ApiFixture b;

    @BeforeEach
    void start() {
        a = ApiFixture.start(first);
        b = ApiFixture.start(second, HttpSettings.DEFAULTS.withMaxUploadBytes(LIMIT));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void backsUpListsDownloadsUploadsToAnotherEngineAndRestoresThere() throws Exception {
        a.module.write("config.txt", "listen=8080");
        a.module.write("data.bin", "x".repeat(100_000));
        long serverA = a.createLocalServer("filer-a");

        // back up on A and follow it
        HttpResponse<String> started = a.post("/backups/server/" + serverA, """
                {"name": "moving", "desc": "Goes to B", "contents": {"config_only": false}}
                """);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = ((BackupStatus) read(started, OperationInfo.class).details()).backupId();
        DeviceStatus status = a.awaitIdle();
        assertThat(status.latestBackup().status()).isEqualTo(Status.COMPLETED);

        // list it
        Backups listed = read(a.get("/backups/server/" + serverA), Backups.class);
        assertThat(listed.completed()).extracting(CompletedBackup::id).containsExactly(id);
        CompletedBackup original = listed.completed().get(0);

        // download it, streamed
        Path archive = first.resolve("download.tar.zst");
        HttpResponse<InputStream> download = a.client.send(
                a.request("/completed_backups/server/" + serverA + "/items/" + id + "/file").GET().build(),
                BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(download.headers().firstValue("Content-Length")).isEmpty();
        assertThat(download.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"" + id + ".tar.zst\"");
        try (InputStream in = download.body()) {
            Files.copy(in, archive);
        }
        assertThat(Files.size(archive)).isEqualTo(original.size());

        // upload it to B's server
        long serverB = b.createLocalServer("filer-b");
        HttpResponse<String> uploaded = b.method("POST", "/backups/server/" + serverB + "/upload",
                BodyPublishers.ofFile(archive), "application/octet-stream");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        CompletedBackup imported = read(uploaded, CompletedBackup.class);
        assertThat(imported.id()).isEqualTo(id);
        assertThat(imported.serverId()).isEqualTo(serverB);
        assertThat(imported.hostname()).isEqualTo(original.hostname());
        assertThat(uploaded.headers().firstValue("Location"))
                .hasValue("/api/npm.backup/2.0/completed_backups/server/" + serverB + "/items/" + id);
        assertThat(read(b.get("/backups/server/" + serverB), Backups.class).completed())
                .extracting(CompletedBackup::id).containsExactly(id);

        // restore it on B
        assertThat(b.module.snapshot()).isEmpty();
        HttpResponse<String> restore = b.post("/completed_backups/server/" + serverB + "/items/" + id + "/restore");
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        DeviceStatus afterRestore = b.awaitIdle();
        assertThat(afterRestore.latestRestore().status()).as(afterRestore.latestRestore().statusMessage())
                .isEqualTo(Status.COMPLETED);
        assertThat(b.module.snapshot()).isEqualTo(new TreeMap<>(a.module.snapshot()));

        // the same archive again is refused
        HttpResponse<String> again = b.method("POST", "/backups/server/" + serverB + "/upload",
                BodyPublishers.ofFile(archive), "application/octet-stream");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(tree(again).path("error_text").asText()).contains("exists on server 'filer-b' already");
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(42).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aDamagedArchiveIsCutOffNotDownloadedWhole() throws Exception {
        a.module.write("data.bin", "payload ".repeat(10_000));
        long server = a.createLocalServer("filer-a");
        CompletedBackup backup = a.engine.backup(server, "b", "", io.backupkit.api.ContentInfo.everything());
        Path stored = first.resolve("filer-filer-a").resolve(backup.id() + ".tar.zst");
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(stored, bytes);

        HttpResponse<InputStream> download = a.client.send(
                a.request("/completed_backups/server/" + server + "/items/" + backup.id() + "/file").GET().build(),
                BodyHandlers.ofInputStream());

        assertThat(download.statusCode()).isEqualTo(200); // the headers go out before the end is checked
        assertThatThrownBy(() -> {
            try (InputStream in = download.body()) {
                in.readAllBytes();
            }
        }).as("the connection is cut before the end of the chunked body").isInstanceOf(IOException.class);
    }

    @Test
    void anUploadMustBeAnOctetStreamWithinTheLimitAndAValidArchive() throws Exception {
        long server = b.createLocalServer("filer-b");
        String upload = "/backups/server/" + server + "/upload";

        HttpResponse<String> json = b.method("POST", upload, BodyPublishers.ofString("{}"), "application/json");
        assertThat(json.statusCode()).isEqualTo(415);

        HttpResponse<String> empty = b.method("POST", upload, BodyPublishers.noBody(), "application/octet-stream");
        assertThat(empty.statusCode()).isEqualTo(400);

        // a valid archive over the limit: refused by its Content-Length, or when streaming past the limit
        Files.write(a.module.live().resolve("random.bin"), randomBytes(4 * LIMIT));
        long serverA = a.createLocalServer("filer-a");
        CompletedBackup big = a.engine.backup(serverA, "big", "", io.backupkit.api.ContentInfo.everything());
        byte[] archive;
        try (ArchiveDownload download = a.engine.openArchive(serverA, big.id())) {
            archive = download.content().readAllBytes();
        }
        assertThat(archive.length).isGreaterThan(LIMIT);
        HttpResponse<String> tooLarge = b.method("POST", upload, BodyPublishers.ofByteArray(archive),
                "application/octet-stream");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        HttpResponse<String> tooLargeChunked = b.method("POST", upload, BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(archive)), "application/octet-stream");
        assertThat(tooLargeChunked.statusCode()).as(tooLargeChunked.body()).isEqualTo(413);
        assertThat(tree(tooLargeChunked).path("error_text").asText())
                .isEqualTo("The request body exceeds the limit of 65536 bytes");

        HttpResponse<String> garbage = b.method("POST", upload, BodyPublishers.ofString("not an archive at all"),
                "application/octet-stream");
        assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(422);
        assertThat(tree(garbage).path("error_id").asText()).isEqualTo("integrity");

        assertThat(read(b.get("/backups/server/" + server), Backups.class).completed()).isEmpty();
        assertThat(b.method("POST", "/backups/server/99/upload", BodyPublishers.ofString("x"),
                "application/octet-stream").statusCode()).isEqualTo(404);
    }
}
