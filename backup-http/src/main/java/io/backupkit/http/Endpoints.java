package io.backupkit.http;

import io.backupkit.api.AbortResult;
import io.backupkit.api.BackupRequest;
import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.HostKey;
import io.backupkit.api.RestoreRequest;
import io.backupkit.api.ScheduledBackup;
import io.backupkit.api.Server;
import io.backupkit.core.ArchiveDownload;
import io.backupkit.core.BackupEngine;
import io.backupkit.core.JsonCodec;
import io.backupkit.core.Started;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources and actions: one route per URL and verb, each a call of the engine. The spec's
 * resources sit at the spec's URLs; the actions are sub-resources of the resource they act on.
 */
final class Endpoints {
    static final String GET = "GET";
    static final String POST = "POST";
    static final String PUT = "PUT";
    static final String DELETE = "DELETE";

    private static final Logger LOG = LoggerFactory.getLogger(BackupHttpServer.class);

    private final BackupEngine engine;
    private final JsonCodec codec;

    Endpoints(BackupEngine engine, JsonCodec codec) {
        this.engine = engine;
        this.codec = codec;
    }

    Router router() {
        Router r = new Router();

        r.add(GET, "/device_status", this::deviceStatus);
        r.add(POST, "/device_status/abort", this::abort);
        r.add(POST, "/device_status/reset_factory", this::resetFactory);

        r.add(GET, "/servers", q -> ok(engine.servers()));
        r.add(POST, "/servers", this::createServer);
        r.add(GET, "/servers/items/{id}", q -> ok(engine.server(q.serverId("id"))));
        r.add(PUT, "/servers/items/{id}", q -> ok(engine.updateServer(q.serverId("id"), q.model(Server.class))));
        r.add(DELETE, "/servers/items/{id}", q -> {
            engine.deleteServer(q.serverId("id"));
            return new Response.Empty(204);
        });
        r.add(GET, "/servers/items/{id}/host_key", this::hostKey);
        r.add(PUT, "/servers/items/{id}/host_key", this::trustHostKey);
        r.add(POST, "/servers/items/{id}/test", this::testServer);

        r.add(GET, "/backups/server/{server_id}", q -> ok(engine.backups(q.serverId("server_id"))));
        r.add(POST, "/backups/server/{server_id}", this::startBackup);
        r.add(POST, "/backups/server/{server_id}/upload", this::upload);

        r.add(GET, "/completed_backups/server/{server_id}/items/{id}",
                q -> ok(engine.completedBackup(q.serverId("server_id"), q.parameter("id"))));
        r.add(DELETE, "/completed_backups/server/{server_id}/items/{id}", q -> {
            engine.deleteBackup(q.serverId("server_id"), q.parameter("id"));
            return new Response.Empty(204);
        });
        r.add(GET, "/completed_backups/server/{server_id}/items/{id}/file", this::download);
        r.add(POST, "/completed_backups/server/{server_id}/items/{id}/restore", this::restore);
        r.add(POST, "/completed_backups/server/{server_id}/items/{id}/verify", q -> {
            q.noBody();
            return ok(engine.verify(q.serverId("server_id"), q.parameter("id")));
        });

        r.add(GET, "/scheduled_backups", q -> ok(engine.schedules()));
        r.add(POST, "/scheduled_backups", this::createSchedule);
        r.add(GET, "/scheduled_backups/items/{id}", q -> ok(engine.schedule(q.parameter("id"))));
        r.add(PUT, "/scheduled_backups/items/{id}",
                q -> ok(engine.updateSchedule(q.parameter("id"), q.model(ScheduledBackup.class))));
        r.add(DELETE, "/scheduled_backups/items/{id}", q -> {
            engine.deleteSchedule(q.parameter("id"));
            return new Response.Empty(204);
        });
        return r;
    }

    // ---------------------------------------------------------------- answers

    private Response.Json ok(Object model) {
        return json(200, model, Map.of());
    }

    private Response.Json json(int status, Object model, Map<String, String> headers) {
        return Response.Json.of(codec, status, model, headers);
    }

    private Response.Json accepted(Started<?> started) {
        return json(202, started.info(), Map.of());
    }

    // ---------------------------------------------------------------- device status

    private Response deviceStatus(Request q) {
        return ok(engine.deviceStatus());
    }

    private Response abort(Request q) {
        q.noBody();
        return ok(new AbortResult(engine.abort()));
    }

    private Response resetFactory(Request q) {
        q.noBody();
        return accepted(engine.startFactoryReset());
    }

    // ---------------------------------------------------------------- servers

    private Response createSchedule(Request q) throws IOException {
        ScheduledBackup created = engine.createSchedule(q.model(ScheduledBackup.class));
        return json(201, created, Map.of("Location", BackupHttpServer.BASE_PATH + "/scheduled_backups/items/"
                + created.id()));
    }

    private Response createServer(Request q) throws IOException {
        Server created = engine.createServer(q.model(Server.class));
        return json(201, created, Map.of("Location", BackupHttpServer.BASE_PATH + "/servers/items/" + created.id()));
    }

    private Response hostKey(Request q) {
        long id = q.serverId("id");
        String presented = engine.presentedHostKey(id);
        return ok(new HostKey(presented, engine.trustedHostKey(id).orElse(null)));
    }

    private Response trustHostKey(Request q) throws IOException {
        long id = q.serverId("id");
        HostKey key = q.model(HostKey.class); // its fingerprint checked by the record, at host_key.fingerprint
        engine.trustHostKey(id, key.fingerprint());
        return new Response.Empty(204);
    }

    private Response testServer(Request q) {
        long id = q.serverId("id");
        q.noBody();
        return ok(engine.testServer(id));
    }

    // ---------------------------------------------------------------- backups

    private Response startBackup(Request q) throws IOException {
        long serverId = q.serverId("server_id");
        BackupRequest request = q.model(BackupRequest.class);
        return accepted(engine.startBackup(serverId, request.name(), request.desc(),
                request.optionalContents().orElse(ContentInfo.everything())));
    }

    private Response upload(Request q) {
        long serverId = q.serverId("server_id");
        engine.server(serverId); // 404 before reading a byte
        Request.Upload archive = q.upload();
        CompletedBackup imported;
        try {
            imported = engine.importBackup(serverId, archive);
        } catch (RuntimeException e) {
            HttpError cause = archive.failure();
            if (cause != null) {
                throw cause;
            }
            throw e;
        }
        return json(201, imported, Map.of("Location", BackupHttpServer.BASE_PATH + "/completed_backups/server/"
                + serverId + "/items/" + imported.id()));
    }

    private Response download(Request q) {
        ArchiveDownload archive = engine.openArchive(q.serverId("server_id"), q.parameter("id"));
        return new Response.Download(archive.content(), archive.fileName());
    }

    private Response restore(Request q) throws IOException {
        long serverId = q.serverId("server_id");
        String id = q.parameter("id");
        RestoreRequest request = q.optionalModel(RestoreRequest.class);
        ContentInfo contents = null;
        if (request != null) {
            contents = request.contents();
        }
        return accepted(engine.startRestore(serverId, id, contents));
    }
}
