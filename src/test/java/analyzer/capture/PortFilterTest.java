package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import analyzer.flow.Flow;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortFilterTest {

    @Test
    void eachPortForEachTransportInTcpdumpSyntax() {
        assertEquals("tcp port 5683 or udp port 5683 or tcp port 53 or udp port 53",
                PortFilter.of(List.of(5683, 53), Flow.Transport.TCP, Flow.Transport.UDP));
        assertEquals("tcp port 8080 or tcp port 8443", PortFilter.of(List.of(8080, 8443), Flow.Transport.TCP));
        assertEquals("", PortFilter.of(List.of(), Flow.Transport.TCP));
    }
}
