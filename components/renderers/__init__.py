"""Pure text renderers: plan in, file or script contents out. No Pulumi, no I/O."""
