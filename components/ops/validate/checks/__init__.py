"""One module per validation check, each with its ``needs`` and ``evaluate`` and the ``CHECK`` that
pairs them; ``components.ops.validate.registry`` lists them in order."""
