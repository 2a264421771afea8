package org.openvdi.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The gateway's feature packages and their allowed dependencies (ARCHITECTURE.md, style rule 11). */
class GatewayArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.openvdi.gateway");

    @Test
    void givenTheFeaturePackages_whenTheirDependenciesAreTraced_thenThereAreNoCycles() {
        slices().matching("org.openvdi.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void givenRedeemAndTelemetry_whenTheirDependenciesAreTraced_thenTheyKnowNothingOfTunnelsOrPages() {
        noClasses().that().resideInAnyPackage("..gateway.redeem..", "..gateway.telemetry..", "..gateway.health..")
                .should().dependOnClassesThat().resideInAnyPackage("..gateway.tunnel..", "..gateway.page..")
                .check(GATEWAY);
    }

    @Test
    void givenTheGateway_whenItsCodeIsScanned_thenNothingUsesTheJavaxWebSocketOrServletApis() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("javax.websocket..", "javax.servlet..")
                .check(GATEWAY);
    }
}
