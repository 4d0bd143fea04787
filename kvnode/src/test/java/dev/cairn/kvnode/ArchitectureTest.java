package dev.cairn.kvnode;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/architecture.md, enforced: the Raft core is pure (JDK only; no I/O, clocks, threads or
 * randomness it was not given), storage knows nothing of serving, the server nothing of the wire adapters, the
 * peer transport nothing beyond Raft's messages, and only the command line and the embedding know how it is all
 * wired.
 */
class ArchitectureTest {
    private static final JavaClasses KVNODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cairn.kvnode");

    @Test
    void theRaftCoreUsesTheJdkAlone() {
        classes().that().resideInAPackage("..kvnode.raft..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("..kvnode.raft..", "java.lang..",
                        "java.util..", "java.io..")
                .check(KVNODE);
    }

    @Test
    void theRaftCoreHasNoClockThreadIoOrRandomnessOfItsOwn() {
        noClasses().that().resideInAPackage("..kvnode.raft..")
                .should().dependOnClassesThat().belongToAnyOf(System.class, Thread.class, java.time.Clock.class,
                        java.util.concurrent.ThreadLocalRandom.class, java.io.File.class,
                        java.io.FileInputStream.class, java.io.FileOutputStream.class)
                .orShould().callConstructor(java.util.Random.class)
                .check(KVNODE);
    }

    @Test
    void storageDependsOnNothingThatServes() {
        noClasses().that().resideInAPackage("..kvnode.mvcc..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.server..", "..kvnode.api..",
                        "..kvnode.embed..", "..kvnode.cli..", "io.grpc..")
                .check(KVNODE);
    }

    @Test
    void theLogTheSnapshotsAndTheStoreAreIndependentLayers() {
        noClasses().that().resideInAnyPackage("..kvnode.wal..", "..kvnode.snap..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.mvcc..", "..kvnode.server..",
                        "..kvnode.api..", "..kvnode.embed..", "..kvnode.cli..", "io.grpc..")
                .check(KVNODE);
        noClasses().that().resideInAPackage("..kvnode.mvcc..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.raft..", "..kvnode.wal..",
                        "..kvnode.snap..")
                .check(KVNODE);
    }

    @Test
    void watchesStandOnTheStoreAlone() {
        noClasses().that().resideInAPackage("..kvnode.watch..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.server..", "..kvnode.api..",
                        "..kvnode.embed..", "..kvnode.cli..", "..kvnode.raft..", "..kvnode.wal..", "..kvnode.snap..",
                        "io.grpc..")
                .check(KVNODE);
        noClasses().that().resideInAPackage("..kvnode.mvcc..")
                .should().dependOnClassesThat().resideInAPackage("..kvnode.watch..")
                .check(KVNODE);
    }

    @Test
    void theServerDoesNotKnowItsWireAdapters() {
        noClasses().that().resideInAPackage("..kvnode.server..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.api..", "..kvnode.embed..",
                        "..kvnode.cli..")
                .check(KVNODE);
    }

    @Test
    void thePeerTransportKnowsRaftMessagesButNothingOfTheServer() {
        noClasses().that().resideInAPackage("..kvnode.transport..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.server..", "..kvnode.api..",
                        "..kvnode.mvcc..", "..kvnode.embed..", "..kvnode.cli..", "..kvnode.wal..",
                        "..kvnode.snap..")
                .check(KVNODE);
    }

    @Test
    void wireAdaptersDoNotWireThemselves() {
        noClasses().that().resideInAPackage("..kvnode.api..")
                .should().dependOnClassesThat().resideInAnyPackage("..kvnode.embed..", "..kvnode.cli..")
                .check(KVNODE);
    }
}
