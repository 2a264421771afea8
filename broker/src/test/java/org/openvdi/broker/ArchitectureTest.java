package org.openvdi.broker;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.ENUMS;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** The module boundaries and naming rules of ARCHITECTURE.md, checked on the compiled classes. */
class ArchitectureTest {

    static final JavaClasses BROKER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.openvdi.broker");

    @Test
    void givenBrokerClasses_whenNamed_thenNoManagerUtilOrHelper() {
        noClasses().should().haveSimpleNameEndingWith("Manager").orShould().haveSimpleNameEndingWith("Util")
                .orShould().haveSimpleNameEndingWith("Utils").orShould().haveSimpleNameEndingWith("Helper")
                .check(BROKER);
    }

    /** They may name the values their events carry (virtualization types are enums of the hypervisor port). */
    @Test
    void givenAggregates_whenTheyDecide_thenTheyNeverTouchHypervisorsOrTheDatabase() {
        noClasses().that().areAnnotatedWith(Aggregate.class).should().dependOnClassesThat(
                        resideInAnyPackage("org.openvdi.broker.hypervisor..").and(not(ENUMS))
                                .or(resideInAnyPackage("org.openvdi.broker.libvirt..", "org.libvirt..",
                                        "org.springframework.jdbc..", "java.sql..")))
                .check(BROKER);
    }

    /**
     * Business error codes travel in messages as the enum itself ({@link ErrorCode}), never as its name; the wire
     * contract with the gateway ({@code org.openvdi.contract}) is public messages too.
     */
    @Test
    void givenPublicMessages_whenDeclared_thenApiPackagesDependOnNothingButOtherMessages() {
        classes().that().resideInAPackage("..api..").should().onlyDependOnClassesThat(
                        resideInAnyPackage("..api..", "java..", "org.axonframework..", "org.openvdi.broker.hypervisor..",
                                "org.openvdi.contract..",
                                // spare policies and target reasons travel in pool events: pure records and enums
                                "org.openvdi.broker.spare..",
                                // a template's descriptor travels in its registration event: plain records and enums
                                "org.openvdi.templates.descriptor..", "org.openvdi.templates.xml..")
                                .or(equivalentTo(ErrorCode.class)))
                .check(BROKER);
    }

    @Test
    void givenLibvirt_whenUsed_thenOnlyTheAdapterAndItsConfigurationSeeIt() {
        noClasses().that().resideOutsideOfPackages("org.openvdi.broker.libvirt..", "org.openvdi.broker.hypervisor..")
                .should().dependOnClassesThat().resideInAnyPackage("org.openvdi.broker.libvirt..", "org.libvirt..")
                .check(BROKER);
    }

    @Test
    void givenMessages_whenDeclared_thenTheyAreRecords() {
        classes().that().resideInAPackage("..api..").and().haveSimpleNameEndingWith("Command")
                .or().resideInAPackage("..api..").and().haveSimpleNameEndingWith("Event")
                .should().beRecords().check(BROKER);
    }

    /** The backtest simulates spare policies with the same code as the live process: it must stay free of the rest. */
    @Test
    void givenSparePolicies_whenCompiled_thenTheyDependOnNoOtherBrokerPackageNorSpring() {
        noClasses().that().resideInAPackage("org.openvdi.broker.spare..").should().dependOnClassesThat(
                        resideInAnyPackage("org.openvdi.broker..").and(not(resideInAnyPackage("org.openvdi.broker.spare..")))
                                .or(resideInAnyPackage("org.springframework..", "org.axonframework..", "java.sql..",
                                        "java.io..", "java.nio..", "java.net..")))
                .check(BROKER);
    }

    @Test
    void givenFeaturePackages_whenTheyDependOnEachOther_thenNoCycles() {
        slices().matching("org.openvdi.broker.(*)..").should().beFreeOfCycles().check(BROKER);
    }
}
