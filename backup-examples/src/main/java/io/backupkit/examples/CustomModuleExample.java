package io.backupkit.examples;

import io.backupkit.api.CompletedBackup;
import io.backupkit.api.ContentInfo;
import io.backupkit.api.ModuleSelection;
import io.backupkit.api.Server;
import io.backupkit.core.BackupEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A custom module in a host: the engine finds {@link CustomModule} through {@code META-INF/services},
 * configures it with the store's directory, backs it up to the local filer, and restores it.
 */
public final class CustomModuleExample {
    private CustomModuleExample() {
    }

    public static void main(String[] args) throws IOException {
        boolean same = run(Files.createTempDirectory("backupkit-custom"), System.out);
        System.out.println(same ? "OK: the settings store is back" : "FAILED: the settings store differs");
        if (!same) {
            System.exit(1);
        }
    }

    /** Runs the example in {@code work}; true when the restore brought back the store as backed up. */
    static boolean run(Path work, PrintStream out) throws IOException {
        Path store = work.resolve("store");
        CustomModule.save(store.resolve(CustomModule.SETTINGS), Map.of("theme", "dark", "language", "en"));
        CustomModule.save(store.resolve(CustomModule.VALUES), Map.of("visits", "42"));
        Map<String, String> settings = CustomModule.load(store.resolve(CustomModule.SETTINGS));
        Map<String, String> values = CustomModule.load(store.resolve(CustomModule.VALUES));

        try (BackupEngine engine = BackupEngine.builder()
                .stateDirectory(work.resolve("state"))
                .device("device-0042", "NX-200", "SN-2024-000042", "4.2.1")
                .moduleConfig("custom", Map.of("dir", store.toString()))
                .build()) {
            Server filer = engine.createServer(new Server(null, "local", "Local filer", "", 22,
                    work.resolve("filer").toString(), "", null, null));
            CompletedBackup backup = engine.backup(filer.id(), "settings", "The settings store",
                    new ContentInfo(false, List.of(ModuleSelection.of("custom"))));
            out.println("Backed up the settings store: " + backup.size() + " bytes as " + backup.id());

            CustomModule.save(store.resolve(CustomModule.SETTINGS), Map.of("theme", "light"));
            CustomModule.save(store.resolve(CustomModule.VALUES), Map.of("visits", "43"));
            engine.restore(filer.id(), backup.id(), null);
            out.println("Restored: settings " + CustomModule.load(store.resolve(CustomModule.SETTINGS))
                    + ", values " + CustomModule.load(store.resolve(CustomModule.VALUES)));
        }
        return settings.equals(CustomModule.load(store.resolve(CustomModule.SETTINGS)))
                && values.equals(CustomModule.load(store.resolve(CustomModule.VALUES)));
    }
}
