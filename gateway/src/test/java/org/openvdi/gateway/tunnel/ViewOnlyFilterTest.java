package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.apache.guacamole.io.WriterGuacamoleWriter;
import org.apache.guacamole.protocol.FilteredGuacamoleWriter;
import org.junit.jupiter.api.Test;

/** A view-only viewer's input never reaches guacd; what keeps the display streaming does. */
class ViewOnlyFilterTest {

    @Test
    void givenAViewOnlyViewersMessage_whenWrittenThroughTheFilter_thenOnlyNonInputInstructionsPass() throws Exception {
        StringWriter guacd = new StringWriter();
        FilteredGuacamoleWriter writer = new FilteredGuacamoleWriter(new WriterGuacamoleWriter(guacd),
                new ViewOnlyFilter());

        writer.write(("3.key,5.65307,1.1;5.mouse,2.10,2.10,1.1;5.touch,1.0,1.1,1.1,1.1,1.1,1.0,1.1;"
                + "9.clipboard,1.1,10.text/plain;4.blob,1.1,4.AAAA;3.end,1.1;4.file,1.2,10.text/plain,1.x;"
                + "4.size,4.1024,3.768;4.sync,4.1234;3.ack,1.0,2.OK,1.0;3.nop;").toCharArray());

        assertThat(guacd.toString()).isEqualTo("4.sync,4.1234;3.ack,1.0,2.OK,1.0;3.nop;");
    }
}
