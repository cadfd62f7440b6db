from workbench.project.folder import Project

__all__ = ["Project"]
