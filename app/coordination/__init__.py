"""The coordinators' workspace: the pipeline dashboard and its lists."""
