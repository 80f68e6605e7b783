"""Specifications of the infra layer: the components the Pulumi program registers, under mocks."""
