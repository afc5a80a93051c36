import { createContext, useContext } from 'react';
import type { ProjectController } from './useProject';

export const ProjectContext = createContext<ProjectController | undefined>(undefined);

export function useProjectContext(): ProjectController {
  const controller = useContext(ProjectContext);
  if (!controller) throw new Error('useProjectContext outside ProjectContext');
  return controller;
}
