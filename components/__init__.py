"""zt-ecmp: configuration, plan, renderers and Pulumi component resources for ZeroTier ECMP labs."""
