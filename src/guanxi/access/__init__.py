"""The access choke point: who may see or do what, and the register of every read (DOC-4).

`scope.visible()` scopes a queryset by organisation line and role, `scope.fetch()` fetches one
record and registers the read, `register.register_reads()` registers reads in bulk (exports).
Nothing reads confidential models around this package.
"""
