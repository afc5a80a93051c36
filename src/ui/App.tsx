import { useEffect, useState } from 'react';
import { Classes } from './Classes';
import { PileSection } from './pile/PileSection';
import { EngineDetails } from './EngineDetails';
import { FeaturesChoice } from './FeaturesChoice';
import { Feedback } from './Feedback';
import { Notices } from './Notices';
import { OtherTabBanner } from './OtherTabBanner';
import { ProjectBar } from './ProjectBar';
import { StatusLine } from './StatusLine';
import { TryIt } from './TryIt';
import { ProjectContext } from './project/context';
import { useProject } from './project/useProject';
import { useEngine } from './useEngine';
import { useFirstScreenPainted } from './useFirstScreenPainted';
import { UpdateBanner } from '../offline/UpdateBanner';
import { FileActions } from './share/FileActions';
import { OpenedClassifierView } from './share/OpenedClassifier';
import { useShare } from './share/useShare';

/** The model starts by then even if no project opens (say, its storage cannot be read). */
const engineStartLatestMs = 3000;

export function App() {
  // The engine runs the open project's photo features; a project's features changing restarts it.
  const [wantedFeatures, setWantedFeatures] = useState<string>();
  // The model starts once the open project's names and counts are on screen (see useEngine).
  const firstScreenPainted = useFirstScreenPainted(wantedFeatures !== undefined, engineStartLatestMs);
  const { engine, status, choose } = useEngine(wantedFeatures, firstScreenPainted);
  const engineFeatures = status.state === 'idle' ? undefined : status.featuresId;
  const controller = useProject(engine, engineFeatures);
  const projectFeatures = controller.state.project?.featuresId;
  useEffect(() => setWantedFeatures(projectFeatures), [projectFeatures]);
  const share = useShare(controller);
  return (
    <ProjectContext.Provider value={controller}>
      <header className="top">
        <div>
          <h1>Handful</h1>
          <p className="tagline">Teach your computer to recognise things from a handful of photos. Everything stays on this device.</p>
        </div>
        {!share.opened && <ProjectBar />}
      </header>
      <main>
        <StatusLine status={status} />
        <Notices />
        {share.opened ? (
          <OpenedClassifierView opened={share.opened} share={share} engine={engine} status={status} />
        ) : controller.state.project ? (
          <>
            <OtherTabBanner />
            {/* Read-only while another tab edits this project: only that tab saves it. */}
            <div className="editing" inert={controller.tab.role === 'following'}>
              <FileActions share={share} />
              <Classes />
              <PileSection />
            </div>
            <div className="results">
              <Feedback />
              {/* Started afresh when the features change: a photo tried before has the old ones. */}
              <TryIt
                key={projectFeatures}
                engine={engineFeatures === projectFeatures ? engine : undefined}
                backend={status.state === 'ready' ? status.ready.backend : undefined}
              />
            </div>
            <FeaturesChoice backend={status.state === 'ready' ? status.ready.backend : undefined} />
          </>
        ) : (
          <p className="status">Opening your project…</p>
        )}
        <EngineDetails status={status} choose={choose} />
        <UpdateBanner />
      </main>
    </ProjectContext.Provider>
  );
}
