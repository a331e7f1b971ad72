package io.backupkit.examples;

import io.backupkit.spi.BackupModule;
import io.backupkit.testkit.module.ModuleContractTest;
import java.nio.file.Path;
import java.util.Map;

/** The custom module keeps the module contract: all a module author writes to run it. */
// [contract]
final class CustomModuleContractTest extends ModuleContractTest {
    @Override
    protected BackupModule createModule(Path dir) throws Exception {
        CustomModule.save(dir.resolve(CustomModule.SETTINGS), Map.of("theme", "dark")); // under config/
        CustomModule.save(dir.resolve(CustomModule.VALUES), Map.of("visits", "42"));
        return new CustomModule(dir);
    }

    @Override
    protected void changeLiveData(Path dir) throws Exception {
        CustomModule.save(dir.resolve(CustomModule.SETTINGS), Map.of("theme", "light"));
        CustomModule.save(dir.resolve(CustomModule.VALUES), Map.of("visits", "43"));
    }
}
// [/contract]
