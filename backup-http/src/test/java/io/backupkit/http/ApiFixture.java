package io.backupkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupkit.api.DeviceStatus;
import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.JsonCodec;
import io.backupkit.spi.BackupModule;
import io.backupkit.testkit.FakeModule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * A real engine (local filer, a {@link FakeModule} named {@code fake} whose backup can be held after
 * each entry) behind a started {@link BackupHttpServer}, and a client for it.
 */
final class ApiFixture implements AutoCloseable {
    /** One RSA key for every server the tests create (generating keys is slow). */
    static final String KEY = rsaKeyPem();

    static final JsonCodec CODEC = new JsonCodec();
    static final ObjectMapper MAPPER = new ObjectMapper();

    final BackupEngine engine;
    final BackupHttpServer server;
    final FakeModule module;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Path dir;
    private volatile Consumer<String> afterEntry = entry -> { };

    private ApiFixture(Path dir, BackupEngine engine, BackupHttpServer server, FakeModule module) {
        this.dir = dir;
        this.engine = engine;
        this.server = server;
        this.module = module;
    }

    static ApiFixture start(Path dir) {
        return start(dir, HttpSettings.DEFAULTS);
    }

    static ApiFixture start(Path dir, HttpSettings settings) {
        return start(dir, settings, null);
    }

    /** With {@code extra} registered besides the fake module, when not null. */
    static ApiFixture start(Path dir, HttpSettings settings, BackupModule extra) {
        FakeModule module = new FakeModule("fake", dir.resolve("live"));
        ApiFixture[] self = new ApiFixture[1];
        module.afterEntry(entry -> self[0].afterEntry.accept(entry));
        BackupEngine.Builder builder = BackupEngine.builder().stateDirectory(dir.resolve("state"))
                .device("device-0042", "NX-200", "SN-42", "4.2.1").discover(false).module(module);
        if (extra != null) {
            builder.module(extra);
        }
        BackupEngine engine = builder.build();
        BackupHttpServer server = BackupHttpServer.start(engine, null, settings);
        self[0] = new ApiFixture(dir, engine, server, module);
        return self[0];
    }

    /** Runs after each entry the fake module backs up (on the operation's thread). */
    void afterEntry(Consumer<String> hook) {
        afterEntry = hook;
    }

    URI uri(String path) {
        return URI.create(server.baseUri() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + server.token());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> post(String path) {
        return send(request(path).POST(BodyPublishers.noBody()).build());
    }

    HttpResponse<String> put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> method(String method, String path, BodyPublisher body, String contentType) {
        HttpRequest.Builder builder = request(path).method(method, body);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.build());
    }

    /** The body read back as a model type: the check against the spec's shapes. */
    static <T> T read(HttpResponse<String> response, Class<T> type) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return CODEC.read(response.body(), type);
    }

    static JsonNode tree(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The JSON of a local filer in {@code filer}, with the shared key. */
    static String localServerJson(String name, Path filer) {
        return new String(CODEC.writeCompact(new Server(null, name, "Local filer", "", 22, filer.toString(), "", KEY,
                null)), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Creates a local filer through the API and returns its id. */
    long createLocalServer(String name) {
        HttpResponse<String> response = post("/servers", localServerJson(name, dir.resolve("filer-" + name)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return read(response, Server.class).id();
    }

    /** Polls {@code device_status} until no operation runs. */
    DeviceStatus awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> response = get("/device_status");
            if (response.statusCode() != 503) { // 503: the operation is starting (see Endpoints.deviceStatus)
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                DeviceStatus status = read(response, DeviceStatus.class);
                if (status.current().isEmpty()) {
                    return status;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the operation did not end: " + response.body());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }

    private static String rsaKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
